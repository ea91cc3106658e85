package com.paintbox.edge.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's secrets, with Secrets Manager's staging rules: a stage label sits on at most one version, and
 * moving {@code AWSCURRENT} leaves {@code AWSPREVIOUS} on the version it left. Operations take and return the
 * JSON shapes of the AWS API, so the wire handler is a thin switch; the Java methods are for seeding and rotating
 * from tests without a client.
 */
public final class SecretStore {

  static final String CURRENT = "AWSCURRENT";
  static final String PREVIOUS = "AWSPREVIOUS";
  private static final String ARN_PREFIX = "arn:aws:secretsmanager:us-east-1:000000000000:secret:";

  private final Map<String, Secret> byName = new ConcurrentHashMap<>();

  /** Creates {@code name} holding {@code value} as AWSCURRENT; returns the version id. */
  public String create(String name, String value) {
    return create(new JsonObject().put("Name", name).put("SecretString", value)).getString("VersionId");
  }

  /** A new version: AWSCURRENT when no stage is given, as PutSecretValue does. Returns the version id. */
  public String put(String name, String value, String... stages) {
    JsonObject input = new JsonObject().put("SecretId", name).put("SecretString", value);
    if (stages.length > 0) {
      input.put("VersionStages", new JsonArray(List.of((Object[]) stages)));
    }
    return put(input).getString("VersionId");
  }

  /** Moves a stage label to a version, as UpdateSecretVersionStage does. */
  public void moveStage(String name, String stage, String toVersionId) {
    updateStage(new JsonObject().put("SecretId", name).put("VersionStage", stage).put("MoveToVersionId", toVersionId));
  }

  synchronized JsonObject create(JsonObject input) {
    String name = required(input, "Name");
    if (byName.containsKey(name)) {
      throw new AwsError("ResourceExistsException", "the secret " + name + " already exists");
    }
    Secret secret = new Secret(name, ARN_PREFIX + name + "-" + UUID.randomUUID().toString().substring(0, 6));
    byName.put(name, secret);
    Version version = secret.add(input, Set.of(CURRENT));
    return new JsonObject().put("ARN", secret.arn).put("Name", name).put("VersionId", version.id);
  }

  synchronized JsonObject put(JsonObject input) {
    Secret secret = find(required(input, "SecretId"));
    JsonArray stages = input.getJsonArray("VersionStages", new JsonArray().add(CURRENT));
    Set<String> labels = new HashSet<>();
    stages.forEach(stage -> labels.add(String.valueOf(stage)));
    Version version = secret.add(input, labels);
    return new JsonObject().put("ARN", secret.arn).put("Name", secret.name).put("VersionId", version.id)
        .put("VersionStages", new JsonArray(new ArrayList<>(version.stages)));
  }

  synchronized JsonObject updateStage(JsonObject input) {
    Secret secret = find(required(input, "SecretId"));
    String stage = required(input, "VersionStage");
    String to = input.getString("MoveToVersionId");
    String from = input.getString("RemoveFromVersionId");
    if (from != null) {
      secret.version(from).stages.remove(stage);
    }
    if (to != null) {
      secret.label(secret.version(to), stage);
    }
    return new JsonObject().put("ARN", secret.arn).put("Name", secret.name);
  }

  synchronized JsonObject get(JsonObject input) {
    Secret secret = find(required(input, "SecretId"));
    String versionId = input.getString("VersionId");
    String stage = input.getString("VersionStage");
    Version version;
    if (versionId != null) {
      version = secret.version(versionId);
      if (stage != null && !version.stages.contains(stage)) {
        throw new AwsError("InvalidRequestException", "VersionId and VersionStage name different versions");
      }
    } else {
      String label = stage == null ? CURRENT : stage;
      version = secret.versions.stream().filter(v -> v.stages.contains(label)).findFirst()
          .orElseThrow(() -> new AwsError("ResourceNotFoundException",
              "Secrets Manager can't find the specified secret value for staging label: " + label));
    }
    JsonObject output = new JsonObject().put("ARN", secret.arn).put("Name", secret.name).put("VersionId", version.id)
        .put("VersionStages", new JsonArray(new ArrayList<>(version.stages)))
        .put("CreatedDate", version.created.getEpochSecond());
    if (version.string != null) {
      output.put("SecretString", version.string);
    } else {
      output.put("SecretBinary", Base64.getEncoder().encodeToString(version.binary));
    }
    return output;
  }

  private Secret find(String id) {
    Secret secret = byName.get(id);
    if (secret == null) {
      secret = byName.values().stream().filter(s -> s.arn.equals(id)).findFirst().orElse(null);
    }
    if (secret == null) {
      throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    return secret;
  }

  private static String required(JsonObject input, String field) {
    String value = input.getString(field);
    if (value == null || value.isEmpty()) {
      throw new AwsError("InvalidParameterException", field + " is required");
    }
    return value;
  }

  private static final class Secret {
    final String name;
    final String arn;
    final List<Version> versions = new ArrayList<>();

    Secret(String name, String arn) {
      this.name = name;
      this.arn = arn;
    }

    Version add(JsonObject input, Set<String> stages) {
      String id = input.getString("ClientRequestToken", UUID.randomUUID().toString());
      String binary = input.getString("SecretBinary");
      Version version = new Version(id, input.getString("SecretString"),
          binary == null ? null : Base64.getDecoder().decode(binary), Instant.now());
      if (version.string == null && version.binary == null) {
        throw new AwsError("InvalidParameterException", "SecretString or SecretBinary is required");
      }
      versions.add(version);
      stages.forEach(stage -> label(version, stage));
      return version;
    }

    /** A label sits on one version; moving AWSCURRENT marks the version it left AWSPREVIOUS. */
    void label(Version target, String stage) {
      for (Version v : versions) {
        if (v != target && v.stages.remove(stage) && stage.equals(CURRENT)) {
          versions.forEach(other -> other.stages.remove(PREVIOUS));
          v.stages.add(PREVIOUS);
        }
      }
      target.stages.add(stage);
    }

    Version version(String id) {
      return versions.stream().filter(v -> v.id.equals(id)).findFirst()
          .orElseThrow(() -> new AwsError("ResourceNotFoundException", "no version " + id));
    }
  }

  private static final class Version {
    final String id;
    final String string;
    final byte[] binary;
    final Instant created;
    final Set<String> stages = new HashSet<>();

    Version(String id, String string, byte[] binary, Instant created) {
      this.id = id;
      this.string = string;
      this.binary = binary;
      this.created = created;
    }
  }

  /** An error the API answers with its {@code __type}. */
  static final class AwsError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String type;

    AwsError(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }

    String type() {
      return type;
    }
  }
}
