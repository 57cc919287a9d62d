package dev.sluice.pull.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pull.Page;
import dev.sluice.pull.SourceRecord;
import dev.sluice.time.TimeRange;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentTest {
    private static SourceRecord rec(String id, long created) {
        return new SourceRecord(id, created, 1, "{}");
    }

    private static Page page(boolean more, SourceRecord... items) {
        return new Page(List.of(items), more);
    }

    @Test
    void readingAPageMovesTheCursorAndTightensTheTopToTheCursorSecond() {
        Segment s = Segment.probe("customers", 0, new TimeRange(100, 200));
        List<SourceRecord> kept = s.accept(page(true, rec("c", 190), rec("b", 180), rec("a", 180)));
        assertThat(kept).hasSize(3);
        assertThat(s.remainder().gte()).isEqualTo(100);
        assertThat(s.remainder().lt()).isEqualTo(181);
        assertThat(s.cursor()).isEqualTo("a");
        assertThat(s.done()).isFalse();
        assertThat(s.nextRequest().startingAfter()).isEqualTo("a");
        assertThat(s.nextRequest().range()).isEqualTo(new TimeRange(100, 181));
    }

    @Test
    void aSplitKeepsTheCursorSecondWithTheTopPart() {
        Segment s = Segment.probe("customers", 0, new TimeRange(100, 200));
        s.accept(page(true, rec("b", 150), rec("a", 150)));
        Segment bottom = s.splitAt(150, 1);
        assertThat(bottom.remainder().range()).isEqualTo(new TimeRange(100, 150));
        assertThat(bottom.cursor()).isNull();
        assertThat(s.remainder().range()).isEqualTo(new TimeRange(150, 151));
        assertThat(s.cursor()).isEqualTo("a");
        assertThatThrownBy(() -> s.splitAt(151, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAnswerToARequestMadeBeforeASplitIsCutToTheNewRangeAndEndsTheSegment() {
        Segment s = Segment.probe("customers", 0, new TimeRange(100, 200));
        s.splitAt(150, 1); // while the request for [100, 200) is out
        List<SourceRecord> kept = s.accept(page(true, rec("c", 170), rec("b", 150), rec("a", 149)));
        assertThat(kept).extracting(SourceRecord::id).containsExactly("c", "b");
        assertThat(s.done()).isTrue();
    }

    @Test
    void densityComesFromWhatWasRead() {
        Segment s = Segment.probe("customers", 0, new TimeRange(0, 1000));
        List<SourceRecord> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(rec("id" + i, 999 - i / 10)); // 10 per second over 10 seconds
        }
        s.accept(new Page(items, true));
        assertThat(s.density()).isEqualTo(10.0);
        assertThat(s.estimatedRemaining()).isEqualTo(10.0 * (991 - 0));
    }

    @Test
    void anEmptyOrFinalPageEndsTheSegment() {
        Segment a = Segment.probe("x", 0, new TimeRange(0, 10));
        a.accept(page(false));
        assertThat(a.done()).isTrue();
        Segment b = Segment.probe("x", 0, new TimeRange(0, 10));
        b.accept(page(false, rec("a", 5)));
        assertThat(b.done()).isTrue();
    }
}
