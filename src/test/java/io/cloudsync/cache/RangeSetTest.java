package io.cloudsync.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSetTest {

    private static String str(List<long[]> ranges) {
        return new RangeSet(ranges).format();
    }

    @Test
    void rangesMergeWhenTheyTouchOrOverlap() {
        RangeSet s = RangeSet.EMPTY.with(10, 20).with(30, 40).with(20, 30);
        assertEquals("10-40", s.format());
        assertEquals("0-5,10-40", s.with(0, 5).format());
        assertEquals("0-50", s.with(0, 5).with(3, 50).format());
    }

    @Test
    void missingIsWhatLiesBetween() {
        RangeSet s = RangeSet.parse("10-20,30-40");
        assertEquals("0-10,20-30,40-50", str(s.missing(0, 50)));
        assertEquals("", str(s.missing(12, 18)));
        assertEquals("20-25", str(s.missing(15, 25)));
        assertTrue(RangeSet.parse("0-100").covers(100));
        assertFalse(s.covers(40));
    }

    @Test
    void unreadableTextIsNothingPresent() {
        assertEquals("", RangeSet.parse("12-x").format());
        assertEquals("", RangeSet.parse("garbage").format());
    }

    @Test
    void randomAddsAgreeWithABitmap() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            boolean[] present = new boolean[200];
            RangeSet s = RangeSet.EMPTY;
            for (int i = 0; i < 8; i++) {
                int a = random.nextInt(200);
                int b = a + random.nextInt(200 - a + 1);
                s = s.with(a, b);
                for (int k = a; k < b; k++) {
                    present[k] = true;
                }
            }
            RangeSet parsed = RangeSet.parse(s.format());
            for (int k = 0; k < 200; k++) {
                assertEquals(!present[k], !parsed.missing(k, k + 1).isEmpty(), "byte " + k + " of " + s.format());
            }
        }
    }
}
