/**
 * The Bluesky Jetstream client: {@link dev.sluice.source.jetstream.JetstreamEventSource} opens
 * {@link dev.sluice.source.jetstream.JetstreamStream}s, configured by
 * {@link dev.sluice.source.jetstream.JetstreamSourceConfig}. Demand-driven (bytes held for the reader are bounded by
 * construction), reconnecting by itself from the last delivered cursor with every event delivered once, in order.
 */
package dev.sluice.source.jetstream;
