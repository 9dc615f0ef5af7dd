package org.nnzoo.train;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;
import ai.djl.pytorch.engine.PtEngineProvider;

/**
 * DJL's PyTorch engine provider, plus {@link NativeTuning#apply()} right after the natives are loaded (before the
 * first computation, which is when oneMKL decides on its code path), and {@link NativeTuning#announce()}: the one line
 * that says what it changed, printed in the first notebook cell that starts the engine. In the reproducible mode
 * ({@link Reproducible}) its settings are made before the natives load, and one more line says so. Registered in
 * {@code META-INF/services/ai.djl.engine.EngineProvider} under the same name, "PyTorch": DJL keeps the first
 * provider of a name it finds on the class path, and the library jar comes before DJL's jars (in the kernel, the
 * tests and the benchmark). Where it does not, DJL's own provider is used and nothing changes but the speed.
 */
public final class TunedPyTorchProvider implements EngineProvider {

    private final PtEngineProvider delegate = new PtEngineProvider();
    private volatile Engine engine;

    @Override
    public String getEngineName() {
        return delegate.getEngineName();
    }

    @Override
    public int getEngineRank() {
        return delegate.getEngineRank();
    }

    @Override
    public Engine getEngine() {
        if (engine == null) {
            synchronized (this) {
                if (engine == null) {
                    Reproducible.beforeEngine(); // the reproducible mode's settings must precede libtorch
                    Engine e = delegate.getEngine();
                    NativeTuning.apply();
                    Denormals.onThisThread(); // flush-to-zero here, before the first parallel operation makes workers
                    NativeTuning.announce(); // one line, where it changed something or refused to
                    Reproducible.afterEngine(e);
                    String line = Reproducible.notice();
                    if (line != null) {
                        System.out.println(line);
                    }
                    engine = e;
                }
            }
        }
        return engine;
    }
}
