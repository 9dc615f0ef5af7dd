package org.nnzoo.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;

/**
 * How {@link Fit} (and {@code Dqn}'s update) applies the optimizer after the backward pass ({@code w <- optimizer(w, dL/dw)} for every trained
 * parameter), chosen once per run by {@link #fastest}: DJL's {@code Trainer.step()}, or {@link Direct}, the same
 * {@code Optimizer.update} calls without DJL's per-parameter gradient copies, and for Adam and SGD with the last native
 * step of the update fused into one pass ({@link FusedUpdate}). Both give the same numbers ({@code FitStepTest} and
 * {@code FusedUpdateTest} check it bit for bit).
 */
public interface OptimizerStep {

    /** Updates the trained parameters from their gradients. */
    void apply();

    /**
     * @return whether Adam and SGD updates run fused in this JVM ({@link FusedUpdate}), and if not, why: one line for
     *     the records (the benchmark writes it next to the native tuning)
     */
    static String fusedUpdateStatus() {
        return FusedUpdate.status();
    }

    /**
     * @param trainer   the trainer whose parameters are updated
     * @param optimizer the optimizer in the trainer's configuration (the same object)
     * @return {@link Direct} where this DJL's trainer can be read, else {@code Trainer.step()} for every batch
     */
    static OptimizerStep fastest(Trainer trainer, Optimizer optimizer) {
        Map<String, ?> used = Direct.parametersInUse(trainer);
        if (used == null) {
            return () -> {
                Denormals.onThisThread();
                trainer.step();
            };
        }
        return new Direct(trainer, optimizer, used);
    }

    /**
     * One optimizer step as {@code Trainer.step()} takes it on one device, but without its per-parameter copy of every
     * gradient (DJL's {@code LocalParameterServer} duplicates each gradient to reduce it across devices, which on one
     * CPU only costs time): the same {@code Optimizer.update} on the same arrays, so the same numbers.
     *
     * <p>It updates exactly the parameters {@code Trainer.step()} would: those in the trainer's parameter store (the
     * ones a forward pass has used) that require a gradient. DJL keeps that store private, so it is read by
     * reflection; the first step, any step after the forward pass used a parameter for the first time, and any step
     * after the store could not be matched to the model's parameters go through {@code Trainer.step()} itself (which
     * also checks, on the first step, that every parameter got a gradient).
     */
    final class Direct implements OptimizerStep {
        private final Trainer trainer;
        private final Optimizer optimizer;
        private final Map<String, ?> used;
        private final FusedUpdate fused; // DJL's Adam/SGD in one pass per parameter, same numbers; null: DJL's own
        private List<Parameter> trained; // what Trainer.step() would update, once known
        private int usedCount = -1;
        private boolean lastDirect; // whether the last apply() updated the parameters itself

        private Direct(Trainer trainer, Optimizer optimizer, Map<String, ?> used) {
            this.trainer = trainer;
            this.optimizer = optimizer;
            this.used = used;
            this.fused = FusedUpdate.forOptimizer(optimizer);
        }

        @Override
        public void apply() {
            Denormals.onThisThread(); // once per thread (a loop may step on another thread than it was built on)
            if (trained == null || used.size() != usedCount) {
                trainer.step();
                usedCount = used.size();
                trained = trainable(trainer.getModel(), used);
                lastDirect = false;
                return;
            }
            lastDirect = true;
            for (Parameter p : trained) {
                NDArray w = p.getArray();
                try (NDArray g = w.getGradient()) {
                    optimizer.update(p.getId(), fused == null ? w : fused.weight(w), g);
                }
            }
        }

        /**
         * @return whether the last {@link #apply()} updated the parameters itself, i.e. not through
         *     {@code Trainer.step()} (which it uses for the first step and whenever the parameter store changed)
         */
        public boolean lastStepWasDirect() {
            return lastDirect;
        }

        /**
         * @return the trainer's parameter store's map (parameter id to data) of the parameters the forward pass has
         *     used, which are the ones {@code Trainer.step()} updates; null if this DJL version keeps it elsewhere
         */
        @SuppressWarnings("unchecked")
        static Map<String, ?> parametersInUse(Trainer trainer) {
            try {
                java.lang.reflect.Field storeField = Trainer.class.getDeclaredField("parameterStore");
                storeField.setAccessible(true);
                Object store = storeField.get(trainer);
                java.lang.reflect.Field mapField = ParameterStore.class.getDeclaredField("parameterMap");
                mapField.setAccessible(true);
                return (Map<String, ?>) mapField.get(store);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        /** @return the parameters that {@code Trainer.step()} would update: used so far and requiring a gradient */
        private static List<Parameter> trainable(Model model, Map<String, ?> used) {
            Map<String, Parameter> byId = new HashMap<>();
            for (var p : model.getBlock().getParameters()) {
                byId.put(p.getValue().getId(), p.getValue());
            }
            List<Parameter> out = new ArrayList<>();
            for (String id : used.keySet()) {
                Parameter p = byId.get(id);
                if (p == null) {
                    return null;
                }
                if (p.requiresGradient()) {
                    out.add(p);
                }
            }
            return out;
        }
    }
}
