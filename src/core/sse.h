#pragma once
// Server-sent events (text/event-stream). A handler answers with sse_response(topic, poll):
// after the head the server calls `poll` on the worker pool, then again every tick of
// ServerOptions::event_tick_ms, or at once when notify_events(topic) is called in this process
// (other processes' changes are seen at the next tick). Nothing sent for a while makes a
// heartbeat comment. The stream ends when `poll` returns false, the client goes away, the
// lifetime cap passes or the server stops; at most ServerOptions::max_event_streams at once
// (more answer 503). Kept out of http.h so that header stays as it is.
#include <functional>
#include <string>

#include "core/http.h"

namespace mg::http {

// The header that carries the topic from the handler to the server (never sent).
inline constexpr const char* kEventTopicHeader = "x-mg-event-topic";
inline constexpr const char* kEventStreamType = "text/event-stream; charset=utf-8";

// `poll` appends whole events to `out` (see sse_event) and may read the database.
Response sse_response(const std::string& topic, std::function<bool(std::string& out)> poll);
// Wakes the event streams of `topic` open in this process (safe from any thread).
void notify_events(const std::string& topic);
// One event: "event: <name>\ndata: <json>\n\n" (the JSON dump has no newline).
std::string sse_event(const std::string& name, const Json& data);

}  // namespace mg::http
