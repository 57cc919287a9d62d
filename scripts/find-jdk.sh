# shellcheck shell=bash disable=SC2034  # SLUICE_JDK* are globals read by the scripts that source this
# Finds a JDK 21+ for Sluice. Sourced by ./sluice and .ci/run, so the logic lives once.
#
#   . scripts/find-jdk.sh
#   sluice_find_jdk || exit 1       # on success: SLUICE_JDK (home), SLUICE_JDK_MAJOR, SLUICE_JDK_VIA
#
# Order: $JAVA_HOME if it is a JDK >= 21; else `java` on PATH if >= 21; else the newest JDK >= 21 under
# the search roots. A "JDK" has bin/java and bin/javac (Sluice builds itself, a JRE is not enough).
# SLUICE_JDK_SEARCH_PATH overrides the search roots: a colon-separated list of globs naming JDK homes.
# SLUICE_JDK_NOTES collects why candidates were skipped (printed on failure; .ci/run prints it always).
# Works with bash 3.2 (macOS) and `set -euo pipefail`.

SLUICE_JDK_MIN=21

sluice_jdk_default_search_path() {
  printf '%s' "/usr/lib/jvm/*:/usr/java/*:/opt/java/*:/opt/jdk*:${HOME:-/nonexistent}/.sdkman/candidates/java/*"
  printf '%s' ":${HOME:-/nonexistent}/.jdks/*:/Library/Java/JavaVirtualMachines/*/Contents/Home"
}

# Major version of a version string: "1.8.0_392" -> 8, "17.0.15" -> 17, "21" -> 21, "25-ea" -> 25.
# Prints nothing if it cannot tell.
sluice_version_major() {
  local v=${1:-}
  case $v in 1.*) v=${v#1.} ;; esac
  v=${v%%[!0-9]*}
  if [ -n "$v" ]; then printf '%s\n' "$v"; fi
  return 0
}

# Full version string of the JDK at home $1: from its `release` file, else from `java -version`.
sluice_jdk_version() {
  local home=$1 line v='' out
  if [ -f "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=*) v=${line#JAVA_VERSION=}; v=${v//\"/}; break ;;
      esac
    done <"$home/release"
  fi
  if [ -z "$v" ] && [ -x "$home/bin/java" ]; then
    out=$("$home/bin/java" -version 2>&1 </dev/null) || true
    if [[ $out =~ version\ \"([^\"]+)\" ]]; then v=${BASH_REMATCH[1]}; fi
  fi
  if [ -n "$v" ]; then printf '%s\n' "$v"; fi
  return 0
}

sluice_jdk_major() {
  sluice_version_major "$(sluice_jdk_version "$1")"
}

# Canonical path (follows symlinks) where the platform can; the path itself otherwise.
sluice_realpath() {
  local p
  p=$(readlink -f "$1" 2>/dev/null) || p=''
  if [ -n "$p" ]; then printf '%s\n' "$p"; else printf '%s\n' "$1"; fi
}

_sluice_jdk_note() {
  SLUICE_JDK_NOTES="${SLUICE_JDK_NOTES}  - $1"$'\n'
}

# Checks one candidate home. Returns 0 and sets _SLUICE_CAND_MAJOR if it is a JDK >= 21.
_sluice_jdk_ok() {
  local home=$1 label=$2 major
  _SLUICE_CAND_MAJOR=''
  if [ ! -x "$home/bin/java" ]; then
    _sluice_jdk_note "$label $home: no bin/java"
    return 1
  fi
  if [ ! -x "$home/bin/javac" ]; then
    _sluice_jdk_note "$label $home: a JRE (no bin/javac)"
    return 1
  fi
  major=$(sluice_jdk_major "$home")
  if [ -z "$major" ]; then
    _sluice_jdk_note "$label $home: cannot tell its version"
    return 1
  fi
  if [ "$major" -lt "$SLUICE_JDK_MIN" ]; then
    _sluice_jdk_note "$label $home: Java $major (too old)"
    return 1
  fi
  _SLUICE_CAND_MAJOR=$major
  return 0
}

sluice_find_jdk() {
  SLUICE_JDK='' SLUICE_JDK_MAJOR='' SLUICE_JDK_VIA='' SLUICE_JDK_NOTES=''
  local home java_bin search pattern cand real best='' best_major=0 seen=':'

  # 1. JAVA_HOME
  if [ -n "${JAVA_HOME:-}" ]; then
    home=${JAVA_HOME%/}
    if _sluice_jdk_ok "$home" 'JAVA_HOME'; then
      SLUICE_JDK=$home SLUICE_JDK_MAJOR=$_SLUICE_CAND_MAJOR SLUICE_JDK_VIA='JAVA_HOME'
      return 0
    fi
  else
    _sluice_jdk_note "JAVA_HOME: not set"
  fi

  # 2. java on PATH, resolved through symlinks (/usr/bin/java -> /etc/alternatives/java -> .../bin/java)
  java_bin=$(command -v java 2>/dev/null) || java_bin=''
  if [ -n "$java_bin" ]; then
    java_bin=$(sluice_realpath "$java_bin")
    home=${java_bin%/bin/java}
    # JDK 8 layout: <jdk>/jre/bin/java
    if [ "${home##*/}" = jre ] && [ -x "${home%/jre}/bin/javac" ]; then home=${home%/jre}; fi
    if _sluice_jdk_ok "$home" "PATH java:"; then
      SLUICE_JDK=$home SLUICE_JDK_MAJOR=$_SLUICE_CAND_MAJOR SLUICE_JDK_VIA='PATH'
      return 0
    fi
  else
    _sluice_jdk_note "PATH: no java command"
  fi

  # 3. the newest JDK >= 21 under the search roots (first one wins a tie)
  search=${SLUICE_JDK_SEARCH_PATH:-$(sluice_jdk_default_search_path)}
  local IFS=':'                         # (dynamic scope: helpers below only use quoted expansions)
  for pattern in $search; do            # split on ':' only, then each piece is globbed
    for cand in $pattern; do
      [ -d "$cand" ] || continue
      real=$(sluice_realpath "$cand")
      case $seen in *":$real:"*) continue ;; esac
      seen="$seen$real:"
      if _sluice_jdk_ok "$cand" 'found'; then
        if [ "$_SLUICE_CAND_MAJOR" -gt "$best_major" ]; then
          best=$cand best_major=$_SLUICE_CAND_MAJOR
        fi
      fi
    done
  done
  if [ -n "$best" ]; then
    SLUICE_JDK=$best SLUICE_JDK_MAJOR=$best_major SLUICE_JDK_VIA='search'
    return 0
  fi

  {
    echo "sluice: no JDK $SLUICE_JDK_MIN or newer found (Sluice builds and runs on Java $SLUICE_JDK_MIN+)."
    echo "Looked at JAVA_HOME, the java on PATH, and these locations:"
    echo "  $search"
    if [ -n "$SLUICE_JDK_NOTES" ]; then
      echo "What was found:"
      printf '%s' "$SLUICE_JDK_NOTES"
    fi
    echo "Install a JDK $SLUICE_JDK_MIN+ (a JDK, not a JRE), for example:"
    echo "  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk   (or temurin-21-jdk from packages.adoptium.net)"
    echo "  Fedora/RHEL:    sudo dnf install java-21-openjdk-devel"
    echo "  macOS:          brew install --cask temurin@21"
    echo "  SDKMAN!:        sdk install java 21-tem"
    echo "then re-run, or point JAVA_HOME at it (export JAVA_HOME=/path/to/jdk-21)."
  } >&2
  return 1
}
