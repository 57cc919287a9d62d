/**
 * A Bluesky Jetstream-compatible firehose simulator: {@link dev.sluice.sim.jetstream.JetstreamSimulator}, configured
 * by {@link dev.sluice.sim.jetstream.JetstreamSimConfig}.
 *
 * <h2>WebSocket surface</h2>
 * <ul>
 *   <li>{@code GET /subscribe?wantedCollections=…&wantedDids=…&cursor=<unix µs>}, parameters repeatable, a collection
 *       may end in {@code .*}. JSON text frames, one event each, in Jetstream's shape ({@code did}, {@code time_us},
 *       {@code kind}: {@code commit|identity|account}, and the body named by the kind).</li>
 *   <li>No cursor, or one in the future: the live tail. A cursor: replay from the first event at or after it, then the
 *       live tail with no gap. Older than the retention: clamped silently to the oldest retained event.</li>
 *   <li>A bad parameter, or a plain GET: HTTP 400 with a message naming the parameter.</li>
 * </ul>
 *
 * <h2>What a java.net.http client sees</h2>
 * <ul>
 *   <li>Frames only as fast as it asks for them ({@code WebSocket.request}): the simulator's writes block, nothing
 *       piles up in either heap.</li>
 *   <li>The drop fault ({@code dropAfter}): the events before the cut arrive whole, then the TCP stream ends with no
 *       close frame. NOTE: java.net.http reports that as {@code onClose(1006)} only if the end arrives while a frame
 *       is asked for; otherwise it never reports it (its transport fails on an internal error), so a client must
 *       find a dead connection by pinging it, as {@code JetstreamStream} does.</li>
 * </ul>
 */
package dev.sluice.sim.jetstream;
