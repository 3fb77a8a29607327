"""The graph on Durable Functions: the engine on both sides of the determinism line.

The orchestrator side (`orchestrator`, `superstep`, `inbox`, `progress`, `targets`)
replays: it reads only the manifest, its input and activity results, and never runs
user code. The activity side (`activities`, `user_code`) runs the user's handlers,
reducers and routes. `protocol` owns every name and shape that crosses between them,
the step log entity (`steplog`) and the HTTP API (the registered functions' names
alone are in `names`, which registering them imports); `wire` is where the Durable
SDK's encodings are undone.
"""
