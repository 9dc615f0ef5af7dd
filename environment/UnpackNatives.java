/*
 * Unpacks PyTorch's native libraries into DJL_CACHE_DIR by starting the engine once, and checks that
 * it computes. Run by environment/install-kernel.sh (--system, --unpack-natives) with the library's
 * class path, so that a shared cache is filled by the installer (then made readable by all) instead
 * of by the first student's kernel: DJL creates the unpacked folder with mode 700, which would lock
 * every other user out.
 *   java -cp "lib/target/nnzoo-lib-*.jar:lib/target/dependency/*" environment/UnpackNatives.java
 */
public class UnpackNatives {
    public static void main(String[] args) {
        ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine("PyTorch");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            float sum = m.create(new float[] {1, 2, 3}).sum().getFloat();
            if (sum != 6f) {
                throw new IllegalStateException("PyTorch computed 1+2+3 = " + sum);
            }
        }
        System.out.println(engine.getEngineName() + " " + engine.getVersion() + " ready in "
                + System.getenv("DJL_CACHE_DIR"));
    }
}
