package dev.sluice.store.internal;

import dev.sluice.store.DatabaseUrl;

/** The {@link Dialect} of each kind of database: the one place that chooses by kind. */
public final class Dialects {
    private Dialects() {
    }

    public static Dialect of(DatabaseUrl.Kind kind) {
        return switch (kind) {
            case SQLITE -> SqliteDialect.INSTANCE;
            case POSTGRESQL -> PostgresDialect.INSTANCE;
        };
    }
}
