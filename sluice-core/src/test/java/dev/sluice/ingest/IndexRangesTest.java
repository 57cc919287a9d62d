package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ingest.IndexRanges.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IndexRangesTest {

    @ParameterizedTest(name = "adding {0} prints {1}, missing of 14 is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                        | ''         | 0-13
            0                         | 0          | 1-13
            13                        | 13         | 0-12
            0,1,2,3,4,7,9,10,11,12    | 0-4,7,9-12 | 5-6,8,13
            12,11,10,9,7,4,3,2,1,0    | 0-4,7,9-12 | 5-6,8,13
            0,2,1                     | 0-2        | 3-13
            5,5,5                     | 5          | 0-4,6-13
            0,2,4,6,8,10,12,1,3,5,7,9,11,13 | 0-13 | ''
            20,30                     | 20,30      | 0-13
            """)
    void addsMergeAndMissingIsTheComplement(String adds, String printed, String missing) {
        IndexRanges set = new IndexRanges();
        for (String index : adds.isEmpty() ? new String[0] : adds.split(",")) {
            set.add(Long.parseLong(index));
        }
        assertThat(set.toString()).isEqualTo(printed);
        assertThat(IndexRanges.format(set.missing(14))).isEqualTo(missing);
        assertThat(set.containsAll(14)).isEqualTo(missing.isEmpty());
    }

    @Test
    void addReportsWhetherTheIndexWasNew() {
        IndexRanges set = new IndexRanges();
        assertThat(set.add(3)).isTrue();
        assertThat(set.add(3)).isFalse();
        assertThat(set.add(4)).isTrue();
        assertThat(set.count()).isEqualTo(2);
    }

    @Test
    void addRangeSwallowsEveryRangeItTouches() {
        IndexRanges set = new IndexRanges();
        set.add(1);
        set.add(3);
        set.addRange(6, 8);
        set.add(20);
        set.addRange(2, 8);
        assertThat(set.toString()).isEqualTo("1-7,20");
        assertThat(set.count()).isEqualTo(8);
        set.addRange(0, 0);
        set.addRange(5, 3);
        assertThat(set.count()).isEqualTo(8);
        set.addRange(0, 30);
        assertThat(set.ranges()).containsExactly(new Range(0, 30));
        assertThat(set.count()).isEqualTo(30);
    }

    @Test
    void missingCanBeCapped() {
        IndexRanges set = new IndexRanges();
        for (long i = 0; i < 100; i += 2) {
            set.add(i);
        }
        assertThat(set.missing(100)).hasSize(50);
        assertThat(set.missing(100, 3)).containsExactly(new Range(1, 2), new Range(3, 4), new Range(5, 6));
        assertThat(set.missing(0)).isEmpty();
        assertThat(set.missing(1)).isEmpty();
        assertThat(set.missing(2)).containsExactly(new Range(1, 2));
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, Long.MIN_VALUE})
    void rejectsNegativeIndexes(long index) {
        assertThatThrownBy(() -> new IndexRanges().add(index)).hasMessageContaining("must be >= 0");
    }

    @Test
    void aMillionInOrderIndexesAreOneRange() {
        IndexRanges set = new IndexRanges();
        for (long i = 0; i < 1_000_000; i++) {
            set.add(i);
        }
        assertThat(set.ranges()).containsExactly(new Range(0, 1_000_000));
        assertThat(set.containsAll(1_000_000)).isTrue();
        assertThat(set.missing(1_000_002)).containsExactly(new Range(1_000_000, 1_000_002));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2024})
    void agreesWithATreeSet(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 2_000;
        IndexRanges set = new IndexRanges();
        TreeSet<Long> expected = new TreeSet<>();
        for (int op = 0; op < 3_000; op++) {
            if (random.nextInt(4) == 0) {
                long from = random.nextLong(n);
                long to = from + random.nextLong(20);
                set.addRange(from, to);
                for (long i = from; i < to; i++) {
                    expected.add(i);
                }
            } else {
                long index = random.nextLong(n);
                assertThat(set.add(index)).isEqualTo(expected.add(index));
            }
            if (op % 100 == 0) {
                long probe = random.nextLong(n + 10);
                assertThat(set.contains(probe)).isEqualTo(expected.contains(probe));
            }
        }
        assertThat(set.count()).isEqualTo(expected.size());
        for (long i = 0; i < n + 25; i++) {
            assertThat(set.contains(i)).as("contains(%d)", i).isEqualTo(expected.contains(i));
        }
        assertThat(set.missing(n)).isEqualTo(gaps(expected, n));
        List<Range> ranges = set.ranges();
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i).from()).as("ranges are disjoint and not adjacent").isGreaterThan(ranges.get(i - 1).to());
        }
    }

    private static List<Range> gaps(TreeSet<Long> present, long n) {
        List<Range> out = new ArrayList<>();
        long start = -1;
        for (long i = 0; i < n; i++) {
            boolean missing = !present.contains(i);
            if (missing && start < 0) {
                start = i;
            } else if (!missing && start >= 0) {
                out.add(new Range(start, i));
                start = -1;
            }
        }
        if (start >= 0) {
            out.add(new Range(start, n));
        }
        return out;
    }
}
