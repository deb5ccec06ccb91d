package dev.warden.examples.mockmodel;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OpenAI-compatible chat-completions server that plays a {@link Script} and records every tool
 * result the "model" is sent, so a test or the demo can check what the LLM saw (for instance
 * {@code Blocked by policy big-refunds-need-approval: ...}).
 *
 * <p>Endpoints, on the loopback interface only:
 * <ul>
 *   <li>{@code POST /v1/chat/completions} and {@code POST /chat/completions}: non-streaming chat
 *       completions with every field of a real response ({@code id, object, created, model,
 *       system_fingerprint, choices[].index/message/logprobs/finish_reason, usage}); tool calls carry
 *       {@code id}, {@code type:"function"} and {@code function.name/arguments} (arguments as a JSON
 *       string), as the strict OpenAI Java SDK parser used by Spring AI requires.</li>
 *   <li>{@code GET /v1/models}: the scripted model, for clients that probe it.</li>
 *   <li>{@code GET /script/state}: position, pending tool call ids, recorded tool results, errors.</li>
 *   <li>{@code POST /script/reset}: start the script again; {@code PUT /script}: load a new script
 *       (JSON body in the {@link ScriptFiles} format) and start it.</li>
 * </ul>
 *
 * <p>Protocol: a tool-call turn is answered once a request carries the {@code "role":"tool"} messages
 * for all its call ids; a request that does not is refused with HTTP 400 and an OpenAI-style error body
 * naming the missing ids, and the error is also kept in the state. A turn with a user guard is refused
 * unless the latest user message contains the fragment. After the last turn, requests are refused,
 * unless the server loops (then the script starts over). In a text turn, {@code {{results}}} is
 * replaced by the tool results of the turn just before it (joined by " | "), so a scripted answer can
 * report what actually happened.
 *
 * <p>Threads: the JDK HTTP server runs handlers on a small pool of daemon threads named
 * {@code mock-model-http-N}; all script state is guarded by one lock. Public methods may be called
 * from any thread. Not a hot path.
 */
public final class ScriptedModelServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** In a text turn, stands for the tool results of the turn just before it. */
    public static final String RESULTS_PLACEHOLDER = "{{results}}";

    private final HttpServer http;
    private final ExecutorService pool;
    private final boolean loop;
    private final Object lock = new Object();

    // guarded by lock
    private Script script;
    private int position;
    private int requests;
    private int callSeq;
    private int completionSeq;
    private final Map<String, Script.ToolCall> pending = new LinkedHashMap<>();
    private int pendingTurn;
    private final List<RecordedToolResult> results = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    private ScriptedModelServer(Script script, int port, boolean loop) throws IOException {
        this.script = script;
        this.loop = loop;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mock-model-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Starts a server for {@code script} on a free loopback port. */
    public static ScriptedModelServer start(Script script) throws IOException {
        return start(script, 0, false);
    }

    /**
     * Starts a server on {@code port} (0 = any free port). With {@code loop}, the script starts over
     * after its last turn instead of refusing further requests (useful for repeated runs).
     */
    public static ScriptedModelServer start(Script script, int port, boolean loop) throws IOException {
        return new ScriptedModelServer(script, port, loop);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT} */
    public String rootUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The OpenAI base URL clients are given: {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return rootUrl() + "/v1";
    }

    /** Every tool result received so far, in the order received. */
    public List<RecordedToolResult> toolResults() {
        synchronized (lock) {
            return List.copyOf(results);
        }
    }

    /** The result the model received for {@code toolCallId}, if it has arrived. */
    public Optional<RecordedToolResult> toolResult(String toolCallId) {
        synchronized (lock) {
            return results.stream().filter(r -> r.toolCallId().equals(toolCallId)).findFirst();
        }
    }

    /** Requests refused because they did not follow the script, as one line each. */
    public List<String> errors() {
        synchronized (lock) {
            return List.copyOf(errors);
        }
    }

    /** Number of turns played so far in the current pass. */
    public int position() {
        synchronized (lock) {
            return position;
        }
    }

    /** True once every turn was played and the results of the last tool calls (if any) arrived. */
    public boolean finished() {
        synchronized (lock) {
            return position == script.turns().size() && pending.isEmpty();
        }
    }

    /** Polls {@link #finished()} until it holds or {@code timeout} passes; returns the last value. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!finished()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Starts the current script over and forgets what was recorded. */
    public void reset() {
        synchronized (lock) {
            position = 0;
            requests = 0;
            pending.clear();
            results.clear();
            errors.clear();
        }
    }

    /** Loads {@code next} and starts it from its first turn. */
    public void replaceScript(Script next) {
        synchronized (lock) {
            script = next;
            reset();
        }
    }

    /** The state served at {@code GET /script/state}, as JSON. */
    public String stateJson() {
        synchronized (lock) {
            ObjectNode state = JSON.createObjectNode();
            state.put("position", position);
            state.put("turns", script.turns().size());
            state.put("finished", position == script.turns().size() && pending.isEmpty());
            state.put("requests", requests);
            ArrayNode pend = state.putArray("pending");
            pending.keySet().forEach(pend::add);
            ArrayNode res = state.putArray("tool_results");
            for (RecordedToolResult r : results) {
                ObjectNode o = res.addObject();
                o.put("turn", r.turn());
                o.put("id", r.toolCallId());
                o.put("name", r.toolName());
                o.put("arguments", r.arguments());
                o.put("content", r.content());
            }
            ArrayNode err = state.putArray("errors");
            errors.forEach(err::add);
            return state.toString();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.equals("/v1/chat/completions") || path.equals("/chat/completions")) {
                if (!method.equals("POST")) {
                    send(ex, 405, error("use POST for " + path, "method_not_allowed"));
                    return;
                }
                Reply reply = complete(body);
                send(ex, reply.status, reply.json);
            } else if ((path.equals("/v1/models") || path.equals("/models")) && method.equals("GET")) {
                send(ex, 200, models());
            } else if (path.equals("/script/state") && method.equals("GET")) {
                send(ex, 200, stateJson());
            } else if (path.equals("/script/reset") && method.equals("POST")) {
                reset();
                send(ex, 200, stateJson());
            } else if (path.equals("/script") && method.equals("PUT")) {
                try {
                    replaceScript(ScriptFiles.parse(body, "request body"));
                    send(ex, 200, stateJson());
                } catch (ScriptFiles.ScriptException e) {
                    send(ex, 400, error(e.getMessage(), "invalid_script"));
                }
            } else {
                send(ex, 404, error("no such endpoint: " + method + " " + path, "not_found"));
            }
        } catch (RuntimeException e) {
            // a bug here must show up in the client as a 500 with the reason, not as a dropped connection
            send(ex, 500, error("mock model server failed: " + e, "server_error"));
        }
    }

    private record Reply(int status, String json) {
    }

    private Reply complete(byte[] body) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            String msg = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
            return refuse("request body is not JSON: " + msg, "invalid_json");
        }
        if (request == null || !request.isObject() || !request.path("messages").isArray()) {
            return refuse("request has no \"messages\" list", "invalid_request");
        }
        if (request.path("stream").asBoolean(false)) {
            return refuse("streaming is not supported by the mock model server; send \"stream\": false", "unsupported");
        }
        JsonNode messages = request.get("messages");
        synchronized (lock) {
            requests++;
            if (position == script.turns().size() && pending.isEmpty() && loop) {
                position = 0;
            }
            if (!pending.isEmpty()) {
                Map<String, String> answers = toolAnswers(messages);
                List<String> missing = new ArrayList<>();
                for (var e : pending.entrySet()) {
                    if (!answers.containsKey(e.getKey())) {
                        missing.add(e.getKey() + " (" + e.getValue().name() + ")");
                    }
                }
                if (!missing.isEmpty()) {
                    return refuse("turn " + pendingTurn + " asked for tool calls whose results are missing from the request: "
                            + String.join(", ", missing), "script_mismatch");
                }
                for (var e : pending.entrySet()) {
                    results.add(new RecordedToolResult(pendingTurn, e.getKey(), e.getValue().name(),
                            e.getValue().argumentsJson(), answers.get(e.getKey())));
                }
                pending.clear();
            }
            if (position == script.turns().size()) {
                return refuse("the script is finished: all " + position + " turns were played", "script_finished");
            }
            Script.Turn turn = script.turns().get(position);
            int turnNo = position + 1;
            if (turn.expectUser() != null) {
                String user = lastUserMessage(messages);
                if (user == null || !user.toLowerCase(Locale.ROOT).contains(turn.expectUser().toLowerCase(Locale.ROOT))) {
                    return refuse("turn " + turnNo + " expects the latest user message to contain \"" + turn.expectUser()
                            + "\" but it was " + (user == null ? "absent" : "\"" + abbreviate(user) + "\""), "script_mismatch");
                }
            }
            if (turn.isToolCalls()) {
                List<String> offered = offeredTools(request);
                for (Script.ToolCall call : turn.toolCalls()) {
                    if (offered != null && !offered.contains(call.name())) {
                        return refuse("turn " + turnNo + " calls tool " + call.name() + " but the request offers only " + offered, "script_mismatch");
                    }
                }
            }
            position++;
            String model = request.path("model").asText(script.model());
            ObjectNode message = JSON.createObjectNode();
            message.put("role", "assistant");
            if (turn.isToolCalls()) {
                message.putNull("content");
                ArrayNode calls = message.putArray("tool_calls");
                pendingTurn = turnNo;
                for (Script.ToolCall call : turn.toolCalls()) {
                    String id = call.id() != null ? call.id() : "call_" + (++callSeq);
                    pending.put(id, call);
                    ObjectNode c = calls.addObject();
                    c.put("id", id);
                    c.put("type", "function");
                    ObjectNode fn = c.putObject("function");
                    fn.put("name", call.name());
                    fn.put("arguments", call.argumentsJson());
                }
            } else {
                message.put("content", fillResults(turn.text(), turnNo - 1));
            }
            message.putNull("refusal");
            message.putArray("annotations");
            return new Reply(200, completion(model, message, turn.isToolCalls() ? "tool_calls" : "stop", body.length));
        }
    }

    /** Replaces {@code {{results}}} with the tool results of turn {@code previousTurn}, joined by " | ". */
    private String fillResults(String text, int previousTurn) {
        if (!text.contains(RESULTS_PLACEHOLDER)) {
            return text;
        }
        StringBuilder sb = new StringBuilder();
        for (RecordedToolResult r : results) {
            if (r.turn() == previousTurn) {
                sb.append(sb.length() == 0 ? "" : " | ").append(r.content());
            }
        }
        return text.replace(RESULTS_PLACEHOLDER, sb);
    }

    private String completion(String model, ObjectNode message, String finishReason, int requestBytes) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-mock-" + (++completionSeq));
        root.put("object", "chat.completion");
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", model);
        root.put("system_fingerprint", "fp_warden_mock");
        root.put("service_tier", "default");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        int prompt = Math.max(1, requestBytes / 4);
        int completion = Math.max(1, message.toString().length() / 4);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return root.toString();
    }

    private String models() {
        String model;
        synchronized (lock) {
            model = script.model();
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ObjectNode m = root.putArray("data").addObject();
        m.put("id", model);
        m.put("object", "model");
        m.put("created", 1700000000L);
        m.put("owned_by", "warden-mock");
        return root.toString();
    }

    /** Refuses a completion request; the caller holds the lock or touches no state. */
    private Reply refuse(String message, String code) {
        synchronized (lock) {
            errors.add(message);
        }
        return new Reply(400, error(message, code));
    }

    private static String error(String message, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", "invalid_request_error");
        err.putNull("param");
        err.put("code", code);
        return root.toString();
    }

    /** tool_call_id -> content of every {@code "role":"tool"} message. */
    private static Map<String, String> toolAnswers(JsonNode messages) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (JsonNode m : messages) {
            if ("tool".equals(m.path("role").asText()) && m.hasNonNull("tool_call_id")) {
                answers.put(m.get("tool_call_id").asText(), contentText(m.get("content")));
            }
        }
        return answers;
    }

    private static String lastUserMessage(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asText())) {
                return contentText(m.get("content"));
            }
        }
        return null;
    }

    /** The text of a message content, which is either a string or a list of {@code {type:"text",text}} parts. */
    private static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.has("text")) {
                    sb.append(part.get("text").asText());
                }
            }
            return sb.toString();
        }
        return content.toString();
    }

    /** Names of the functions the request offers, or null when it offers none (then nothing is checked). */
    private static List<String> offeredTools(JsonNode request) {
        JsonNode tools = request.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : tools) {
            names.add(t.path("function").path("name").asText());
        }
        return names;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
