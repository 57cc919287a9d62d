package dev.sluice.store;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a user passes to {@code --db}, parsed into what JDBC needs.
 *
 * <p>Accepted forms: {@code sqlite:PATH}, {@code jdbc:sqlite:PATH} (relative or absolute; resolved against the
 * working directory at parse time), and {@code postgresql://[user[:password]@]host[:port]/database[?param=value&...]},
 * also spelled {@code postgres://…} or {@code jdbc:postgresql://…}. User and password may be percent-encoded, and may
 * also come as {@code user=} / {@code password=} query parameters; either way they are taken out of the JDBC URL.
 *
 * <p>{@link #toString()} never shows the password, nor does the message of a parse error.
 */
public final class DatabaseUrl {
    /** The database products Sluice stores into. */
    public enum Kind { SQLITE, POSTGRESQL }

    static final String ACCEPTED = "sqlite:PATH, jdbc:sqlite:PATH, "
            + "postgresql://[user[:password]@]host[:port]/database[?param=value&...], "
            + "postgres://..., jdbc:postgresql://...";

    private static final String MASK = "****";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern USERINFO_PASSWORD = Pattern.compile("(//[^/@:]*:)[^@/]*@");
    private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    private final Kind kind;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path file;
    // PostgreSQL parts, kept to render toString() and withDatabase()
    private final String hostPort;
    private final String database;
    private final Map<String, String> params;

    private DatabaseUrl(Kind kind, String jdbcUrl, String user, String password, Path file,
                        String hostPort, String database, Map<String, String> params) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.file = file;
        this.hostPort = hostPort;
        this.database = database;
        this.params = params;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the (masked) text and the accepted forms
     */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad(String.valueOf(text), "it is empty");
        }
        String t = text.strip();
        if (t.startsWith("jdbc:sqlite:")) {
            return sqlite(t, t.substring("jdbc:sqlite:".length()));
        }
        if (t.startsWith("sqlite:")) {
            return sqlite(t, t.substring("sqlite:".length()));
        }
        for (String prefix : new String[] {"jdbc:postgresql://", "postgresql://", "postgres://"}) {
            if (t.startsWith(prefix)) {
                return postgres(t, t.substring(prefix.length()));
            }
        }
        throw bad(t, "the scheme is not one Sluice knows");
    }

    /** An SQLite database in {@code file}. */
    public static DatabaseUrl sqlite(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return new DatabaseUrl(Kind.SQLITE, "jdbc:sqlite:" + abs, null, null, abs, null, null, Map.of());
    }

    private static DatabaseUrl sqlite(String text, String path) {
        if (path.isEmpty()) {
            throw bad(text, "the path is empty");
        }
        if (path.contains(":memory:") || path.startsWith("file:") || path.startsWith("//")) {
            throw bad(text, "only a plain file path is supported after 'sqlite:'");
        }
        try {
            return sqlite(Path.of(path));
        } catch (InvalidPathException e) {
            throw bad(text, "the path is not valid: " + e.getReason());
        }
    }

    private static DatabaseUrl postgres(String text, String rest) {
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw bad(text, "the database name is missing");
        }
        String authority = rest.substring(0, slash);
        String database = decode(text, rest.substring(slash + 1));
        if (database.contains("/")) {
            throw bad(text, "the database name contains '/'");
        }
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userinfo.indexOf(':');
            user = decode(text, colon < 0 ? userinfo : userinfo.substring(0, colon));
            password = colon < 0 ? null : decode(text, userinfo.substring(colon + 1));
            if (user.isEmpty()) {
                user = null;
            }
        }
        String host = authority;
        String port = null;
        int portColon = authority.lastIndexOf(':');
        if (portColon >= 0 && portColon > authority.lastIndexOf(']')) {
            host = authority.substring(0, portColon);
            port = authority.substring(portColon + 1);
        }
        if (!HOST.matcher(host).matches()) {
            throw bad(text, "the host is missing or not valid");
        }
        if (port != null) {
            int p;
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw bad(text, "the port must be a number in [1, 65535]");
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(text, eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(text, pair.substring(eq + 1));
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> params.put(key, value);
                }
            }
        }
        String hostPort = port == null ? host : host + ":" + port;
        return postgres(hostPort, database, user, password, Map.copyOf(params));
    }

    private static DatabaseUrl postgres(String hostPort, String database, String user, String password,
                                        Map<String, String> params) {
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostPort).append('/').append(encode(database));
        appendQuery(jdbc, params);
        return new DatabaseUrl(Kind.POSTGRESQL, jdbc.toString(), user, password, null, hostPort, database, params);
    }

    private static void appendQuery(StringBuilder sb, Map<String, String> params) {
        char sep = '?';
        for (var e : params.entrySet()) {
            sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
            sep = '&';
        }
    }

    private static String decode(String text, String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(text, "it holds a malformed %-escape");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + mask(text) + "' is not a database URL (" + why
                + "); accepted forms: " + ACCEPTED);
    }

    /** Hides a password in a URL-like text, whether given as userinfo or as a query parameter. */
    static String mask(String text) {
        String masked = USERINFO_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
        return PARAM_PASSWORD.matcher(masked).replaceAll("$1" + MASK);
    }

    /** The same PostgreSQL server and credentials, another database. */
    public DatabaseUrl withDatabase(String name) {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalStateException("withDatabase applies to PostgreSQL URLs, not " + this);
        }
        return postgres(hostPort, Objects.requireNonNull(name, "name"), user, password, params);
    }

    public Kind kind() {
        return kind;
    }

    /** The URL to hand to the JDBC driver; holds no user or password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The database file, for SQLite. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** {@code host} or {@code host:port}, for PostgreSQL (what libpq tools such as pgbench need). */
    public Optional<String> hostPort() {
        return Optional.ofNullable(hostPort);
    }

    /** The database name, for PostgreSQL. */
    public Optional<String> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DatabaseUrl u && kind == u.kind && jdbcUrl.equals(u.jdbcUrl)
                && Objects.equals(user, u.user) && Objects.equals(password, u.password);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, jdbcUrl, user);
    }

    /** The URL in its {@code --db} form, with any password replaced by {@code ****}. */
    @Override
    public String toString() {
        if (kind == Kind.SQLITE) {
            return "sqlite:" + file;
        }
        StringBuilder sb = new StringBuilder("postgresql://");
        if (user != null) {
            sb.append(encode(user));
            if (password != null) {
                sb.append(':').append(MASK);
            }
            sb.append('@');
        } else if (password != null) {
            sb.append(':').append(MASK).append('@');
        }
        sb.append(hostPort).append('/').append(encode(database));
        appendQuery(sb, params);
        return sb.toString();
    }
}
