package dev.sluice.sim.stripe;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A fingerprint of a set of object ids: how many, and the SHA-256 of the sorted ids (see {@link IdDigest}). Two sides
 * that hold the same ids produce equal digests, whatever order they saw them in.
 */
public record Digest(@JsonProperty("count") long count, @JsonProperty("sha256") String sha256) {
}
