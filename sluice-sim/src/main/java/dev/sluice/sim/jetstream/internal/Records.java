package dev.sluice.sim.jetstream.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * The JSON of a commit's record, shaped like the real lexicons (likes and reposts point at a post, a follow at a DID,
 * posts carry text in a few languages, sometimes a reply or an image, profiles a name, a bio and an avatar blob),
 * sized so that the average event is about 480 bytes as on the real network. Text includes non-ASCII characters,
 * emoji and the odd quote or newline, so every consumer meets escapes and multi-byte UTF-8.
 *
 * <p>Everything is drawn from one generator seeded by the event's index: the same event always gets the same bytes.
 */
final class Records {
    static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final long WEEK_US = 7L * 86_400_000_000L;
    private static final String CID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final String[] WORDS = {
        "the", "a", "and", "of", "to", "is", "in", "it", "that", "this", "for", "on", "with", "just", "so", "my",
        "today", "new", "post", "thread", "morning", "coffee", "ocean", "river", "light", "rain", "city", "night",
        "music", "album", "book", "game", "photo", "garden", "sky", "blue", "bird", "cat", "dog", "friends",
        "really", "love", "think", "maybe", "never", "always", "again", "here", "there", "what", "why", "how",
        "café", "naïve", "déjà", "vu", "straße", "façade", "señor", "über", "日本語", "こんにちは", "東京",
        "🦋", "🌊", "☕", "🎉", "👀", "❤️", "🙂", "#art", "#science", "#bluesky", "lol", "ok", "wow", "yes", "no"};
    private static final String[] LANGS = {"en", "en", "en", "en", "ja", "pt", "de", "es", "fr", "ko"};
    private static final String[] NAMES = {"ka", "lo", "mi", "ra", "ven", "to", "sa", "lu", "ne", "zi", "ori", "el",
        "dan", "bel", "mar", "tin", "os", "kai", "an", "jo", "ru", "fe", "li", "no"};

    private final Firehose firehose;
    private final Dice dice;

    Records(Firehose firehose, Dice dice) {
        this.firehose = firehose;
        this.dice = dice;
    }

    static String isoMillis(long timeUs) {
        return ISO_MILLIS.format(Instant.ofEpochSecond(Math.floorDiv(timeUs, 1_000_000L),
                Math.floorMod(timeUs, 1_000_000L) * 1_000L));
    }

    /** A plausible CIDv1 (dag-cbor, sha-256) in base32: {@code bafyrei} and 52 characters. */
    String cid(long i) {
        return cid("bafyrei", new SplittableRandom(dice.bits(i, Draw.CID)));
    }

    private static String cid(String prefix, SplittableRandom r) {
        StringBuilder sb = new StringBuilder(59).append(prefix);
        for (int k = 0; k < 52; k++) {
            sb.append(CID_ALPHABET.charAt(r.nextInt(32)));
        }
        return sb.toString();
    }

    /** The DID's handle; about one identity event in three carries a changed one. */
    String handle(int didIndex, long i) {
        SplittableRandom r = new SplittableRandom(dice.bits(didIndex, Draw.HANDLE));
        StringBuilder sb = new StringBuilder();
        int parts = 2 + r.nextInt(2);
        for (int k = 0; k < parts; k++) {
            sb.append(NAMES[r.nextInt(NAMES.length)]);
        }
        if (dice.unit(i, Draw.HANDLE) < 0.3) {
            sb.append(1 + dice.below(i, Draw.HANDLE + 100, 99));
        }
        return sb.append(r.nextInt(4) == 0 ? ".com" : ".bsky.social").toString();
    }

    String record(String collection, Skeleton s) {
        SplittableRandom r = new SplittableRandom(dice.bits(s.index(), Draw.CONTENT));
        // A record keeps the createdAt its author's client gave it, a moment before the commit that made it.
        String createdAt = isoMillis(firehose.timeUs(s.target()) - r.nextInt(2_000_000));
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"$type\":");
        quote(sb, collection);
        switch (collection) {
            case "app.bsky.feed.like", "app.bsky.feed.repost" -> {
                sb.append(",\"createdAt\":\"").append(createdAt).append("\",\"subject\":");
                strongRef(sb, r, s.timeUs());
                if (r.nextInt(8) == 0) {
                    sb.append(",\"via\":");
                    strongRef(sb, r, s.timeUs());
                }
            }
            case "app.bsky.graph.follow" -> sb.append(",\"createdAt\":\"").append(createdAt).append("\",\"subject\":\"")
                    .append(firehose.did(r.nextInt(firehose.dids()))).append('"');
            case "app.bsky.feed.post" -> post(sb, r, createdAt, s.timeUs());
            case "app.bsky.actor.profile" -> profile(sb, r, createdAt);
            default -> {
                sb.append(",\"createdAt\":\"").append(createdAt).append("\",\"value\":");
                quote(sb, text(r, 5 + r.nextInt(20)));
            }
        }
        return sb.append('}').toString();
    }

    /** {@code {"cid":…,"uri":"at://did/app.bsky.feed.post/tid"}}: a post by someone, from the week before. */
    private void strongRef(StringBuilder sb, SplittableRandom r, long beforeUs) {
        sb.append("{\"cid\":\"").append(cid("bafyrei", r)).append("\",\"uri\":\"at://")
                .append(firehose.did(r.nextInt(firehose.dids()))).append("/app.bsky.feed.post/")
                .append(Tid.of(Math.max(0, beforeUs - r.nextLong(WEEK_US)), r.nextInt(1024))).append("\"}");
    }

    private void post(StringBuilder sb, SplittableRandom r, String createdAt, long timeUs) {
        sb.append(",\"createdAt\":\"").append(createdAt).append('"');
        if (r.nextInt(4) == 0) {
            sb.append(",\"embed\":{\"$type\":\"app.bsky.embed.images\",\"images\":[{\"alt\":");
            quote(sb, text(r, r.nextInt(8)));
            sb.append(",\"aspectRatio\":{\"height\":").append(600 + r.nextInt(1400)).append(",\"width\":")
                    .append(600 + r.nextInt(1400)).append("},\"image\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"")
                    .append(cid("bafkrei", r)).append("\"},\"mimeType\":\"image/jpeg\",\"size\":")
                    .append(50_000 + r.nextInt(900_000)).append("}}]}");
        }
        sb.append(",\"langs\":[\"").append(LANGS[r.nextInt(LANGS.length)]).append("\"]");
        if (r.nextInt(2) == 0) {
            sb.append(",\"reply\":{\"parent\":");
            strongRef(sb, r, timeUs);
            sb.append(",\"root\":");
            strongRef(sb, r, timeUs);
            sb.append('}');
        }
        sb.append(",\"text\":");
        quote(sb, text(r, 3 + r.nextInt(r.nextInt(6) == 0 ? 50 : 28)));
    }

    private void profile(StringBuilder sb, SplittableRandom r, String createdAt) {
        sb.append(",\"avatar\":{\"$type\":\"blob\",\"ref\":{\"$link\":\"").append(cid("bafkrei", r))
                .append("\"},\"mimeType\":\"image/jpeg\",\"size\":").append(10_000 + r.nextInt(200_000)).append('}');
        sb.append(",\"createdAt\":\"").append(createdAt).append("\",\"description\":");
        quote(sb, text(r, 4 + r.nextInt(25)));
        sb.append(",\"displayName\":");
        quote(sb, text(r, 1 + r.nextInt(3)));
    }

    private static String text(SplittableRandom r, int words) {
        StringBuilder sb = new StringBuilder(words * 6);
        for (int k = 0; k < words; k++) {
            if (k > 0) {
                sb.append(r.nextInt(40) == 0 ? "\n" : " ");
            }
            String w = WORDS[r.nextInt(WORDS.length)];
            sb.append(r.nextInt(60) == 0 ? "\"" + w + "\"" : w);
        }
        return sb.toString();
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped, everything else as is. */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
