package dev.sluice.cli.options;

import dev.sluice.cli.Converters;
import dev.sluice.cli.pull.StripeBackfill;
import dev.sluice.source.stripe.StripeListSource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags of every command that pulls from Stripe ({@code backfill stripe}, {@code sync stripe}): the API, what to
 * read, how fast, under which job, and the summary's form. Defaults come from {@code SLUICE_*} variables where a
 * deployment would set them. {@link #options()} turns them into {@link StripeBackfill.Options}, whose checks name
 * these flags.
 */
public final class StripeOptions {
    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:STRIPE_API_KEY}",
            description = "Secret key (sk_…). Default: $STRIPE_API_KEY. Never printed or logged.")
    String apiKey;

    @Option(names = "--base-url", paramLabel = "URL", converter = BaseUrlConverter.class,
            defaultValue = "${env:SLUICE_STRIPE_BASE_URL:-https://api.stripe.com}",
            description = "API root. Default: ${DEFAULT-VALUE}.")
    URI baseUrl;

    @Option(names = "--resources", split = ",", paramLabel = "a,b|all", converter = ResourceConverter.class,
            defaultValue = "${env:SLUICE_RESOURCES:-customers,charges,invoices}",
            description = "Resources (customers, charges, invoices, payment_intents, subscriptions, products, prices,"
                    + " refunds), or 'all'. Default: ${DEFAULT-VALUE}.")
    List<String> resources;

    @Option(names = "--rps", paramLabel = "N", defaultValue = "${env:SLUICE_RPS:-25}",
            description = "The API's rate limit in requests/s, shared by every request and retry. Default:"
                    + " ${DEFAULT-VALUE} (Stripe test mode; live mode allows 100).")
    double rps;

    @Option(names = "--max-concurrency", paramLabel = "N", defaultValue = "${env:SLUICE_MAX_CONCURRENCY:-64}",
            description = "Cap on requests in flight; the engine sizes it from the rate and measured latency below"
                    + " the cap. Default: ${DEFAULT-VALUE}.")
    int maxConcurrency;

    @Option(names = "--planner", paramLabel = "P", defaultValue = "${env:SLUICE_PLANNER:-adaptive}",
            description = "adaptive (default), or a baseline for comparison: fixed, sequential.")
    String planner;

    @Option(names = "--since", paramLabel = "T", converter = Converters.EpochSecondConverter.class,
            description = "Start (epoch s, 2024-01-31 or an ISO instant). Default: the account's creation, or the"
                    + " end of the job's last finished run.")
    Long since;

    @Option(names = "--until", paramLabel = "T", converter = Converters.EpochSecondConverter.class,
            description = "End of a backfill, exclusive. Default: now + 1 s, frozen when the run starts (a sync always"
                    + " reads up to now).")
    Long until;

    @Option(names = "--job", paramLabel = "NAME", defaultValue = "${env:SLUICE_JOB:-stripe}",
            description = "Name under which the job's checkpoints (and a sync's cursor) are kept. Default: "
                    + "${DEFAULT-VALUE}.")
    String job;

    @Option(names = "--restart",
            description = "Forget the job's checkpoints (and a sync's cursor) and start over with a backfill (rows"
                    + " stay; upserts keep them right).")
    boolean restart;

    @Option(names = "--request-timeout", paramLabel = "D", converter = Converters.DurationConverter.class,
            defaultValue = "${env:SLUICE_REQUEST_TIMEOUT:-30s}",
            description = "Deadline of one attempt, body included. Default: ${DEFAULT-VALUE}.")
    Duration requestTimeout;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "${env:SLUICE_MAX_ATTEMPTS:-8}",
            description = "Attempts per page before the stream fails. Default: ${DEFAULT-VALUE}.")
    int maxAttempts;

    @Option(names = "--lease", paramLabel = "D", converter = Converters.DurationConverter.class,
            defaultValue = "${env:SLUICE_LEASE:-15s}",
            description = "PostgreSQL: how long a process's claim on a segment lasts without renewal; a process that"
                    + " dies leaves its segments to the others after this. Default: ${DEFAULT-VALUE}.")
    Duration lease;

    @Mixin
    OutputOptions output;

    public OutputOptions output() {
        return output;
    }

    /** The run these flags ask for; the caller adds the database. */
    public StripeBackfill.Options.Builder options() {
        return StripeBackfill.Options.builder().baseUrl(baseUrl).apiKey(apiKey).resources(expand(resources)).rps(rps)
                .maxConcurrency(maxConcurrency).planner(planner).since(since).until(until).job(job).restart(restart)
                .requestTimeout(requestTimeout).maxAttempts(maxAttempts).lease(lease);
    }

    /** An http(s) URL with a host. */
    public static final class BaseUrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String text) {
            try {
                URI uri = URI.create(text.strip());
                if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    return uri;
                }
            } catch (IllegalArgumentException e) {
                // below
            }
            throw new TypeConversionException("must be an http(s) URL like https://api.stripe.com, was '" + text + "'");
        }
    }

    /** A resource name; {@code all} stands for every resource the source knows. */
    public static final class ResourceConverter implements ITypeConverter<String> {
        @Override
        public String convert(String name) {
            String n = name.strip();
            if (!n.matches("[a-z][a-z_]{0,62}")) {
                throw new TypeConversionException("'" + name + "' is not a resource name (known: "
                        + String.join(", ", StripeListSource.RESOURCES) + ", or all)");
            }
            return n;
        }
    }

    /** {@code all} as the only resource means every one the source knows. */
    static List<String> expand(List<String> resources) {
        return resources.size() == 1 && resources.get(0).equals("all") ? StripeListSource.RESOURCES : resources;
    }
}
