package com.paintbox.edge.secrets;

import com.nimbusds.jose.jwk.JWK;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * Reads the {@code AWSCURRENT}, {@code AWSPENDING} and {@code AWSPREVIOUS} versions of one secret and
 * publishes the union of their public keys, so a rotation shows old and new keys together.
 *
 * <p>{@code AWSCURRENT} is read first and the other two only once it has answered. Read all three at once and a
 * rotation landing between the answers can pair the new {@code AWSCURRENT} with the {@code AWSPREVIOUS} from before
 * it, publishing a set that lacks the key that was current a moment ago and signed every live token (caught by
 * {@code AwsFaultMatrixTest.rotationDuringRefresh_*}). Read in this order, the key current when the refresh began is
 * always published: either {@code AWSCURRENT} still names it, or the rotation made it {@code AWSPREVIOUS} before
 * that read. It costs one round trip more per refresh, off the request path.
 *
 * <p>A missing stage is skipped (AWSPENDING exists only during a rotation). Any other failure of any stage fails
 * the whole fetch: publishing AWSCURRENT alone because AWSPREVIOUS timed out would withdraw a key that may still
 * sign live tokens. AWSCURRENT must be valid; an invalid AWSPENDING or AWSPREVIOUS is skipped with a warning,
 * since it could never have been published anyway.
 */
public final class SecretsManagerKeySource implements KeySource {

  private static final Logger log = LoggerFactory.getLogger(SecretsManagerKeySource.class);
  public static final String CURRENT = "AWSCURRENT";
  public static final List<String> STAGES = List.of(CURRENT, "AWSPENDING", "AWSPREVIOUS");

  private final Future<SecretsManagerAsyncClient> client;
  private final String secretId;

  /**
   * @param client the process's one client, possibly still being built off the critical path at start-up
   * @param secretId name or ARN of the secret
   */
  public SecretsManagerKeySource(Future<SecretsManagerAsyncClient> client, String secretId) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(secretId, "secretId");
    this.client = client;
    this.secretId = secretId;
  }

  @Override
  public Future<KeySet> fetch() {
    return client.compose(sdk -> {
      Future<Optional<StageKeys>> current = read(sdk, CURRENT);
      return current.compose(first -> {
        List<Future<Optional<StageKeys>>> reads = new ArrayList<>(STAGES.size());
        reads.add(current);
        for (String stage : STAGES.subList(1, STAGES.size())) {
          reads.add(read(sdk, stage));
        }
        return Future.all(reads).map(done -> assemble(reads));
      });
    }).recover(failure -> Future.failedFuture(FetchFailure.of(failure)));
  }

  private Future<Optional<StageKeys>> read(SecretsManagerAsyncClient sdk, String stage) {
    return Future.fromCompletionStage(sdk.getSecretValue(b -> b.secretId(secretId).versionStage(stage)))
        .map(response -> Optional.of(parse(stage, response)))
        .recover(failure -> {
          FetchFailure fetchFailure = FetchFailure.of(failure);
          if (fetchFailure.type() == FetchFailure.Type.NOT_FOUND && !stage.equals(CURRENT)) {
            return Future.succeededFuture(Optional.empty());
          }
          return Future.failedFuture(new FetchFailure(fetchFailure.type(),
              stage + ": " + fetchFailure.getMessage(), fetchFailure.getCause()));
        });
  }

  private StageKeys parse(String stage, GetSecretValueResponse response) {
    String document = response.secretString();
    if (document == null && response.secretBinary() != null) {
      document = response.secretBinary().asUtf8String();
    }
    try {
      if (document == null) {
        throw new InvalidKeyMaterialException("secret version has neither SecretString nor SecretBinary");
      }
      return new StageKeys(stage, response.versionId(), KeyMaterial.publicKeys(document), Optional.empty());
    } catch (InvalidKeyMaterialException invalid) {
      if (stage.equals(CURRENT)) {
        throw new FetchFailure(FetchFailure.Type.INVALID, stage + " " + response.versionId() + ": " + invalid.getMessage(), null);
      }
      return new StageKeys(stage, response.versionId(), List.of(), Optional.of(invalid.getMessage()));
    }
  }

  private KeySet assemble(List<Future<Optional<StageKeys>>> reads) {
    List<List<JWK>> documents = new ArrayList<>();
    Map<String, String> versions = new LinkedHashMap<>();
    for (Future<Optional<StageKeys>> read : reads) {
      read.result().ifPresent(stage -> {
        stage.problem().ifPresentOrElse(
            problem -> log.warn("skipping {} version {} of {}: {}", stage.stage(), stage.versionId(), secretId, problem),
            () -> {
              documents.add(stage.keys());
              versions.put(stage.stage(), stage.versionId());
            });
      });
    }
    return new KeySet(KeyMaterial.union(documents), versions);
  }

  private record StageKeys(String stage, String versionId, List<JWK> keys, Optional<String> problem) {}
}
