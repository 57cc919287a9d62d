package dev.sluice.store;

import static dev.sluice.store.JdbcRecordSinkTest.rec;
import static dev.sluice.store.JdbcRecordSinkTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Checkpoint;
import dev.sluice.pull.SourceRecord;
import dev.sluice.store.DatabaseUrl.Kind;
import dev.sluice.store.testing.FixedClock;
import dev.sluice.store.testing.TestDatabases;
import dev.sluice.time.TimeRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TableDigestTest {
    /** Ids whose order differs between String.compareTo and common SQL collations (case, '_', non-ASCII). */
    private static final List<String> IDS = List.of("cus_b", "cus_B", "cus_a", "cus-a", "Cus_a", "cus_aa", "cus_é",
            "cus_z", "cus_10", "cus_9", "cus_😀", "cus_\uFFFD");

    @TempDir
    Path dir;

    @Test
    void knownValueOfTheDefinition() {
        // computed outside Java with: printf 'a\nb\n' | sha256sum
        assertThat(TableDigest.of(List.of("b", "a")))
                .isEqualTo(new TableDigest.Digest(2, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"));
    }

    @Test
    void emptyListIsTheHashOfNothing() {
        assertThat(TableDigest.of(List.of()))
                .isEqualTo(new TableDigest.Digest(0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void digestOfATableMatchesOneComputedIndependently(Kind kind) throws Exception {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir));
             var sink = new JdbcRecordSink(db, new FixedClock(0))) {
            sink.prepare("stripe", "customers");
            List<SourceRecord> records = new ArrayList<>();
            for (int i = 0; i < IDS.size(); i++) {
                records.add(rec(IDS.get(i), i, 1));
            }
            records.add(rec("cus_a", 1, 2)); // a newer copy changes nothing in the digest
            sink.commit("job", List.of(write("customers", records, new Checkpoint(new TimeRange(0, 1), List.of()))));

            TableDigest.Digest digest = TableDigest.digest(db, "stripe", "customers");

            assertThat(digest.count()).isEqualTo(IDS.size());
            assertThat(digest.sha256()).isEqualTo(independentDigest(IDS));
        }
    }

    @ParameterizedTest
    @MethodSource(TestDatabases.KINDS)
    void missingTableIsAnError(Kind kind) {
        try (Database db = Database.open(TestDatabases.fresh(kind, dir))) {
            assertThatThrownBy(() -> TableDigest.digest(db, "stripe", "nothing"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("stripe.nothing");
        }
    }

    /** The definition spelled out again: sort by String.compareTo, hash UTF-8 of each id plus '\n'. */
    private static String independentDigest(List<String> ids) throws Exception {
        String[] sorted = ids.toArray(String[]::new);
        java.util.Arrays.sort(sorted);
        StringBuilder text = new StringBuilder();
        for (String id : sorted) {
            text.append(id).append('\n');
        }
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash);
    }
}
