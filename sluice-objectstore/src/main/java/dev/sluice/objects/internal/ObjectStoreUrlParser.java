package dev.sluice.objects.internal;

import dev.sluice.objects.ObjectStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses {@link ObjectStoreUrl}s; see there for the forms. */
final class ObjectStoreUrlParser {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");
    private static final Pattern PARAM_SECRET = Pattern.compile("(?i)([?&]secret-key=)[^&#]*");

    private ObjectStoreUrlParser() {
    }

    static ObjectStoreUrl.File file(String text, String rest) {
        String path = rest;
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            String host = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
                throw bad(text, "a file URL names no other host than localhost");
            }
            path = slash < 0 ? "" : decode(text, rest.substring(slash));
        }
        if (path.isEmpty()) {
            throw bad(text, "the directory is missing");
        }
        try {
            return new ObjectStoreUrl.File(Path.of(path).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            throw bad(text, "the directory is not a valid path: " + e.getReason());
        }
    }

    static ObjectStoreUrl.S3 s3(String text, String rest) {
        if (rest.indexOf('#') >= 0) {
            throw bad(text, "it has a '#' fragment");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);

        String accessKey = null;
        String secretKey = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userinfo.indexOf(':');
            if (colon <= 0 || colon == userinfo.length() - 1) {
                throw bad(text, "credentials in the URL must be KEY:SECRET@ (percent-encoded)");
            }
            accessKey = decode(text, userinfo.substring(0, colon));
            secretKey = decode(text, userinfo.substring(colon + 1));
        }
        String bucket = authority;
        if (bucket.isEmpty()) {
            throw bad(text, "the bucket is missing");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw bad(text, "the bucket '" + bucket + "' is not valid: 3-63 characters of [a-z0-9.-_], "
                    + "starting and ending with a letter or digit");
        }
        String prefix = trimSlashes(path);
        if (!prefix.isEmpty()) {
            try {
                ObjectStore.checkKey(prefix);
            } catch (IllegalArgumentException e) {
                throw bad(text, "the prefix '" + prefix + "' must be segments of [A-Za-z0-9._-] separated by '/'");
            }
            prefix = prefix + "/";
        }

        Map<String, String> params = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(text, pair.substring(eq + 1));
                switch (name) {
                    case "endpoint", "region", "path-style", "access-key", "secret-key" -> {
                        if (params.put(name, value) != null) {
                            throw bad(text, "the parameter '" + name + "' is given twice");
                        }
                        if (value.isEmpty()) {
                            throw bad(text, "the parameter '" + name + "' is empty");
                        }
                    }
                    default -> throw bad(text, "the parameter '" + name + "' is not one of endpoint, region, "
                            + "path-style, access-key, secret-key");
                }
            }
        }

        URI endpoint = params.containsKey("endpoint") ? endpoint(text, params.get("endpoint")) : null;
        String region = params.get("region");
        if (region != null && !REGION.matcher(region).matches()) {
            throw bad(text, "the region '" + region + "' is not valid (e.g. us-east-1)");
        }
        boolean pathStyle = endpoint != null;
        String style = params.get("path-style");
        if (style != null) {
            pathStyle = switch (style.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw bad(text, "path-style must be true or false, not '" + style + "'");
            };
        }
        if (params.containsKey("access-key") || params.containsKey("secret-key")) {
            if (accessKey != null) {
                throw bad(text, "credentials are given both as userinfo and as parameters");
            }
            accessKey = params.get("access-key");
            secretKey = params.get("secret-key");
            if (accessKey == null || secretKey == null) {
                throw bad(text, "access-key and secret-key go together");
            }
        }
        return new ObjectStoreUrl.S3(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey);
    }

    private static URI endpoint(String text, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw bad(text, "the endpoint '" + value + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw bad(text, "the endpoint '" + value + "' must be http://HOST[:PORT] or https://HOST[:PORT]");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(text, "the endpoint must hold no credentials, query or fragment");
        }
        return uri;
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }

    private static String decode(String text, String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(text, "it holds a malformed %-escape");
        }
    }

    static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("'" + mask(text) + "' is not an object store URL (" + why
                + "); accepted forms: " + ObjectStoreUrl.ACCEPTED);
    }

    static String mask(String text) {
        String masked = text;
        // Userinfo: everything between the first ':' after the scheme and the last '@' before the query is
        // secret. Deliberately generous, so that a secret with an unencoded '/' or '@' is masked all the same.
        int scheme = masked.indexOf("://");
        if (scheme >= 0) {
            int q = masked.indexOf('?', scheme + 3);
            int end = q < 0 ? masked.length() : q;
            int at = masked.lastIndexOf('@', end - 1);
            int colon = masked.indexOf(':', scheme + 3);
            if (at > scheme && colon > scheme && colon < at) {
                masked = masked.substring(0, colon + 1) + ObjectStoreUrl.MASK + masked.substring(at);
            }
        }
        return PARAM_SECRET.matcher(masked).replaceAll("$1" + ObjectStoreUrl.MASK);
    }
}
