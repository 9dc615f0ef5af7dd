package org.rapaio.jupyter.kernel.channels;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Stack;

import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.message.ContentType;
import org.rapaio.jupyter.kernel.message.HMACDigest;
import org.rapaio.jupyter.kernel.message.Message;
import org.rapaio.jupyter.kernel.message.MessageId;
import org.rapaio.jupyter.kernel.message.MessageType;
import org.rapaio.jupyter.kernel.message.messages.ErrorReply;
import org.rapaio.jupyter.kernel.message.messages.IOPubStatus;
import org.rapaio.jupyter.kernel.message.messages.IOPubStream;
import org.rapaio.org.zeromq.ZMQ;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's {@code Channels} (same binary interface), patched by NN Zoo
 * (environment/README.md, "Interrupt").
 *
 * <p>3.0.1 keeps ONE "current message" ({@code msgId}) and ONE stack of after-actions for all channels. The
 * control channel's thread handles {@code interrupt_request} while the shell thread is still inside the
 * execute request, so it overwrote the shell's current message with the interrupt's and then ran (and
 * emptied) the shell's pending after-actions, {@code freeMsgId} among them. The interrupted cell's
 * {@code error} and {@code execute_reply} then went out with no parent and no routing identity: the front
 * end never got them and the cell stayed {@code [*]}.
 *
 * <p>Here the control channel's thread works on a context of its own (set by the patched
 * {@link ControlChannel} through {@link #runOnControl}): its current message, its after-actions, and its
 * replies, which go out on the control socket as the protocol asks. The shell's state is untouched.
 *
 * <p>Second, the cell's own thread sends messages too (output, display updates such as a live progress view).
 * ZeroMQ's sockets run on NIO channels, which a {@code Thread.interrupt()} closes for good
 * ({@code ZMQException: Errno 4}, or a dead socket) when it lands during a send or before one. So every send
 * here runs under {@link #SEND_LOCK} with the thread's interrupt flag cleared and restored after, and the
 * patched {@code RapaioExecutionControl} interrupts a cell only while it holds that lock.
 */
@SuppressWarnings( {"unchecked", "rawtypes"})
public final class Channels {

    /** The control thread's own current message and after-actions, while it handles one message. */
    private static final class ControlContext {
        MessageId<?> msgId;
        final Stack<Runnable> afterActions = new Stack<>();
    }

    private final ThreadLocal<ControlContext> controlContext = new ThreadLocal<>();

    /** Held during each send; the kernel interrupts a cell's thread only while holding it (see the class comment). */
    public static final Object SEND_LOCK = new Object();

    /** Runs a send with the lock held and the interrupt flag cleared, then restores the flag. */
    private static void sendSafely(Runnable send) {
        synchronized (SEND_LOCK) {
            boolean interrupted = Thread.interrupted();
            try {
                send.run();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private final ConnectionProperties connProps;

    private final ZMQ.Context ctx;

    private final HeartbeatChannel heartbeat;
    private final ShellChannel shell;
    private final ControlChannel control;
    private final StdinChannel stdin;
    private final IOPubChannel iopub;

    private final Set<AbstractChannel> channels;
    private final Stack<Runnable> afterActions = new Stack<>();

    private Map<MessageType<?>, MessageHandler> handlers;
    private volatile MessageId<?> msgId;

    private boolean isConnected = false;
    private boolean requestShutdown = false;

    public Channels(ConnectionProperties connProps) throws NoSuchAlgorithmException, InvalidKeyException {
        this.connProps = connProps;
        ctx = ZMQ.context(1);

        HMACDigest hmacDigest = connProps.createHMACDigest();

        heartbeat = new HeartbeatChannel(this, ctx, hmacDigest);
        shell = new ShellChannel(this, ctx, hmacDigest, this);
        control = new ControlChannel(this, ctx, hmacDigest);
        stdin = new StdinChannel(this, ctx, hmacDigest);
        iopub = new IOPubChannel(this, ctx, hmacDigest);

        channels = Set.of(heartbeat, shell, control, stdin, iopub);
    }

    public void connect(RapaioKernel kernel) {
        if (!isConnected) {
            channels.forEach(s -> s.bind(connProps));
            iopub.sendMessage(new Message<>(MessageType.IOPUB_STATUS, IOPubStatus.STARTING));
            kernel.registerChannels(this);

            handlers = new HashMap<>();
            handlers.put(MessageType.SHELL_EXECUTE_REQUEST, kernel::handleExecuteRequest);
            handlers.put(MessageType.SHELL_INSPECT_REQUEST, kernel::handleInspectRequest);
            handlers.put(MessageType.SHELL_COMPLETE_REQUEST, kernel::handleCompleteRequest);
            handlers.put(MessageType.SHELL_HISTORY_REQUEST, kernel::handleHistoryRequest);
            handlers.put(MessageType.SHELL_IS_COMPLETE_REQUEST, kernel::handleIsCompleteRequest);
            handlers.put(MessageType.SHELL_KERNEL_INFO_REQUEST, kernel::handleKernelInfoRequest);
            handlers.put(MessageType.CONTROL_SHUTDOWN_REQUEST, kernel::handleShutdownRequest);
            handlers.put(MessageType.CONTROL_INTERRUPT_REQUEST, kernel::handleInterruptRequest);
            handlers.put(MessageType.CUSTOM_COMM_OPEN, kernel::handleCommOpenCommand);
            handlers.put(MessageType.CUSTOM_COMM_MSG, kernel::handleCommMsgCommand);
            handlers.put(MessageType.CUSTOM_COMM_CLOSE, kernel::handleCommCloseCommand);
            handlers.put(MessageType.SHELL_COMM_INFO_REQUEST, kernel::handleCommInfoRequest);

            isConnected = true;
        }
    }

    public <T> MessageHandler<T> getHandler(MessageType<T> type) {
        return handlers.get(type);
    }

    public void close() {
        channels.forEach(AbstractChannel::close);
        ctx.close();
    }

    public void joinUntilClose() {
        channels.forEach(AbstractChannel::joinUntilClose);
    }

    public boolean hasMsgId() {
        return currentMsgId() != null;
    }

    public void setMsgId(MessageId<?> msgId) {
        ControlContext c = controlContext.get();
        if (c != null) {
            c.msgId = msgId;
        } else {
            this.msgId = msgId;
        }
    }

    public void freeMsgId() {
        setMsgId(null);
    }

    private MessageId<?> currentMsgId() {
        ControlContext c = controlContext.get();
        return c != null ? c.msgId : msgId;
    }

    /**
     * Handles one control-channel message in the control thread's own context: {@code handler} and the
     * after-actions it schedules see {@code id} as the current message, replies go to the control socket,
     * and the shell's current message and after-actions are left alone.
     */
    public void runOnControl(MessageId<?> id, Runnable handler) {
        ControlContext c = new ControlContext();
        c.msgId = id;
        controlContext.set(c);
        try {
            handler.run();
        } finally {
            try {
                runAfterActions();
            } finally {
                controlContext.remove();
            }
        }
    }

    public void markForShutdown() {
        requestShutdown = true;
    }

    public boolean isMarkedForShutdown() {
        return requestShutdown;
    }

    public void writeToStdOut(String msg) {
        publish(new IOPubStream(IOPubStream.StreamName.OUT, msg));
    }

    public void writeToStdErr(String msg) {
        publish(new IOPubStream(IOPubStream.StreamName.ERR, msg));
    }

    public String readFromStdIn() {
        return stdin.getInput(currentMsgId(), "", false);
    }

    public <T extends ContentType<T>> void publish(T content) {
        Message<T> message = new Message<>(currentMsgId(), content.type(), content);
        sendSafely(() -> iopub.sendMessage(message));
    }

    public <T extends ContentType<T>> void reply(T content) {
        Message<T> message = new Message<>(currentMsgId(), content.type(), content);
        AbstractChannel socket = replySocket();
        sendSafely(() -> socket.sendMessage(message));
    }

    public void replyError(MessageType<?> type, ErrorReply error) {
        Message message = new Message(currentMsgId(), type, error);
        AbstractChannel socket = replySocket();
        sendSafely(() -> socket.sendMessage(message));
    }

    private AbstractChannel replySocket() {
        return controlContext.get() != null ? control : shell;
    }

    public void scheduleAfter(Runnable action) {
        afterActions().push(action);
    }

    public void runAfterActions() {
        Stack<Runnable> actions = afterActions();
        while (!actions.isEmpty()) {
            actions.pop().run();
        }
    }

    private Stack<Runnable> afterActions() {
        ControlContext c = controlContext.get();
        return c != null ? c.afterActions : afterActions;
    }

    public void busyThenIdle() {
        publish(IOPubStatus.BUSY);
        scheduleAfter(() -> publish(IOPubStatus.IDLE));
    }
}
