package dev.sluice.sim.jetstream.internal;

/** The purposes of {@link Dice} draws: one independent stream each. */
final class Draw {
    static final int TIME_JITTER = 1;
    static final int TIME_PHASE = 2;
    static final int KIND = 3;
    static final int OPERATION = 4;
    static final int DID = 5;
    static final int COLLECTION = 6;
    static final int TARGET = 7; // TARGET + attempt, attempts < 16
    static final int CLOCK_ID = 30;
    static final int DID_NAME = 31;
    static final int DID_NAME_2 = 32;
    static final int HANDLE = 33;
    static final int ACCOUNT = 34;
    static final int CONTENT = 35;
    static final int CID = 36;

    private Draw() {
    }
}
