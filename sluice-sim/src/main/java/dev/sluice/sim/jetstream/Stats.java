package dev.sluice.sim.jetstream;

/**
 * What the simulator has served since it started.
 *
 * @param subscribers subscribers connected now
 * @param connections subscriptions opened in all
 * @param eventsSent  events written to subscribers' sockets (a blocked write counts once it returns)
 * @param bytesSent   bytes of those events' JSON
 * @param drops       connections cut by the drop fault
 */
public record Stats(int subscribers, long connections, long eventsSent, long bytesSent, long drops) {
}
