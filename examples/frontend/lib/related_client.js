'use strict';
// Asks Headliner for an article's related headlines over gRPC (@grpc/grpc-js), with the service's
// own proto files (PROTO_DIR) rather than a copy of them.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

class RelatedClient {
  // `protoDir` holds headliner/v1/related.proto; `addr` is host:port of the public gRPC port.
  constructor(protoDir, addr) {
    const definition = protoLoader.loadSync(path.join(protoDir, 'headliner', 'v1', 'related.proto'), {
      includeDirs: [protoDir],
      keepCase: true,
      longs: Number,
      defaults: true,
    });
    const { RelatedHeadlines } = grpc.loadPackageDefinition(definition).headliner.v1;
    // One channel for the process; grpc-js reconnects it with backoff when the service restarts.
    this.stub = new RelatedHeadlines(addr, grpc.credentials.createInsecure());
  }

  // Resolves with the GetRelatedResponse ({items, variant, token, fallback, experiments}); rejects
  // with the gRPC error (its `code` is a grpc.status) when the call fails or the deadline passes.
  getRelated({ articleId, limit, sessionId, userId, deadlineMs }) {
    const request = { article_id: articleId, limit, session_id: sessionId || '', user_id: userId || '' };
    return new Promise((resolve, reject) => {
      this.stub.GetRelated(request, { deadline: Date.now() + deadlineMs }, (err, response) =>
        err ? reject(err) : resolve(response),
      );
    });
  }

  close() {
    this.stub.close();
  }
}

// The status name of a gRPC error ("UNAVAILABLE", "DEADLINE_EXCEEDED", ...), for counters.
function statusName(err) {
  const name = Object.keys(grpc.status).find((k) => grpc.status[k] === err.code);
  return name || 'UNKNOWN';
}

module.exports = { RelatedClient, statusName };
