package dev.sluice.cli.bench;

/** A running {@link CpuTwin} as the paired windows see it: paused and resumed by signal, its CPU from /proc. */
final class TwinSubject implements PairedWindows.Subject {
    private final ChildJvm jvm;
    private final PgBackends backends;

    TwinSubject(ChildJvm jvm, PgBackends backends) {
        this.jvm = jvm;
        this.backends = backends;
    }

    @Override
    public void pause() {
        ProcStat.signal(jvm.pid(), "STOP");
    }

    @Override
    public void resume() {
        ProcStat.signal(jvm.pid(), "CONT");
    }

    @Override
    public long ownCpuNanos() {
        return ProcStat.cpuNanos(jvm.pid());
    }

    @Override
    public long backendCpuNanos() {
        return backends.sample();
    }

    @Override
    public long events() {
        return -1;
    }

    @Override
    public boolean finished() {
        return !jvm.alive();
    }
}
