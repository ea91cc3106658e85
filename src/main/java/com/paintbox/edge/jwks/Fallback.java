package com.paintbox.edge.jwks;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.ConfigException;
import com.paintbox.edge.secrets.InvalidKeyMaterialException;
import com.paintbox.edge.secrets.KeyMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The static JWKS served when nothing else can be. It goes through the same validation as a fetched secret (a
 * private key in the file is published public-only), once, at start-up: a bad file stops the edge there rather
 * than at 3 a.m. when AWS is down and the fallback is finally needed.
 */
public final class Fallback {

  private static final String KEY = "EDGE_JWKS_FALLBACK_FILE";

  private Fallback() {}

  public static Optional<JwksDocument> load(Optional<Path> file, Codecs codecs) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(codecs, "codecs");
    return file.map(path -> load(path, codecs));
  }

  private static JwksDocument load(Path file, Codecs codecs) {
    try {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      return JwksDocument.of(KeyMaterial.publicKeys(json), 0, codecs);
    } catch (IOException e) {
      throw ConfigException.invalid(KEY, file, "a readable file (" + e.getClass().getSimpleName() + ")");
    } catch (InvalidKeyMaterialException e) {
      throw ConfigException.invalid(KEY, file, "a JWKS with at least one public key (" + e.getMessage() + ")");
    }
  }
}
