// Routes the log output of protobuf and gRPC through one LogLimiter, so that a request that
// makes a library log (protobuf logs an ERROR line for each request with invalid UTF-8 in a
// string field) cannot flood stderr: at most 20 lines per 10 s, then a count of those dropped.
// Process-wide by nature (both libraries keep one log hook), so installed by main only.
#ifndef HEADLINER_MAIN_LIBRARY_LOGS_H_
#define HEADLINER_MAIN_LIBRARY_LOGS_H_

namespace headliner {

void InstallRateLimitedLibraryLogs();

}  // namespace headliner

#endif  // HEADLINER_MAIN_LIBRARY_LOGS_H_
