package com.paintbox.edge.secrets;

import io.vertx.core.Future;

/** Where the published keys come from. The seam tests replace to drive the cache through its states. */
public interface KeySource {

  /**
   * Fetches and validates the key set. Fails with a {@link FetchFailure} naming the error type; never with a
   * partial set.
   */
  Future<KeySet> fetch();
}
