/**
 * A Stripe-compatible API simulator whose objects change: {@link dev.sluice.sim.stripe.StripeSimulator}, configured
 * by {@link dev.sluice.sim.stripe.StripeSimConfig}.
 *
 * <h2>HTTP surface</h2>
 * <ul>
 *   <li>{@code GET /v1/account}; {@code GET /v1/{customers|charges|invoices|payment_intents|subscriptions|products|
 *       prices|refunds}} with {@code limit}, {@code starting_after}, {@code ending_before} and
 *       {@code created[gt|gte|lt|lte]} / {@code created} (subscriptions {@code status}, invoices {@code status},
 *       products and prices {@code active}). Bearer auth (or Basic with the key as user name).</li>
 *   <li>Order {@code created DESC, id DESC}; {@code has_more} is exact; deleted objects are not listed, canceled
 *       subscriptions only with {@code status=all|canceled|ended}.</li>
 *   <li>{@code GET /v1/<resource>/<id>}; {@code GET /v1/invoices/<id>/lines}; {@code GET /v1/events} and
 *       {@code /v1/events/<id>}.</li>
 *   <li>{@code /_sim/stats}, {@code /_sim/digest}, {@code /_sim/objects}, {@code /_sim/deleted},
 *       {@code /_sim/changes}, {@code POST /_sim/change}, {@code POST /_sim/reset-stats}: no auth, not counted.</li>
 * </ul>
 *
 * <h2>What a java.net.http client sees of the faults</h2>
 * <ul>
 *   <li><b>Rate limit and throttle</b>: 429, {@code Retry-After: 1}, {@code Stripe-Should-Retry: true}.
 *       <b>Error</b>: 500 with {@code Stripe-Should-Retry: true}.</li>
 *   <li><b>Hang</b>: after {@code hangMs} the TCP connection closes with no response byte. NOTE: the JDK client
 *       then re-sends a GET once on its own (it takes the drop for a stale pooled connection), so one
 *       {@code send} costs two server requests and {@code 2 × hangMs} before it throws
 *       {@code IOException("HTTP/1.1 header parser received no bytes")}. The resend takes no token from the
 *       caller's limiter. A request timeout below {@code hangMs} gives an {@code HttpTimeoutException} after one
 *       request instead.</li>
 *   <li><b>Truncate</b>: status 200 and full headers arrive, so {@code BodyHandlers.ofInputStream()} returns a
 *       response; reading the body then fails with {@code IOException("fixed content-length: N, bytes received:
 *       N/2")}. {@code ofString()} / {@code ofByteArray()} throw that from {@code send}. Never a short valid body.</li>
 * </ul>
 */
package dev.sluice.sim.stripe;
