package com.paintbox.edge.secrets;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Why a fetch of the key set failed, classified once where AWS exceptions enter the edge, so the cache, the logs
 * and the metrics speak of a handful of types instead of the SDK's exception tree. The message never holds secret
 * content: SDK messages name the operation and the error, and key-material messages are written to be safe.
 */
public final class FetchFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The error types counted by {@code edge_jwks_fetch_errors_total{type}}. */
  public enum Type {
    THROTTLED, DENIED, NOT_FOUND, TIMEOUT, SERVER_ERROR, NETWORK, MALFORMED, INVALID, OTHER;

    /** The metric label and log value: lower case, "5xx" for server errors. */
    public String label() {
      return this == SERVER_ERROR ? "5xx" : name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Set<String> THROTTLING_CODES =
      Set.of("ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded");
  private static final Set<String> DENIED_CODES = Set.of("AccessDeniedException", "UnrecognizedClientException",
      "InvalidSignatureException", "ExpiredTokenException", "IncompleteSignature", "DecryptionFailure");

  private final Type type;

  public FetchFailure(Type type, String message, Throwable cause) {
    super(message, cause, false, false);
    Objects.requireNonNull(type, "type");
    this.type = type;
  }

  public Type type() {
    return type;
  }

  /** Classifies anything a fetch can fail with. */
  public static FetchFailure of(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    Throwable error = unwrap(failure);
    if (error instanceof FetchFailure fetchFailure) {
      return fetchFailure;
    }
    if (error instanceof InvalidKeyMaterialException invalid) {
      return new FetchFailure(Type.INVALID, invalid.getMessage(), null);
    }
    return new FetchFailure(typeOf(error), describe(error), error);
  }

  private static Type typeOf(Throwable error) {
    if (error instanceof ApiCallAttemptTimeoutException || error instanceof ApiCallTimeoutException
        || error instanceof TimeoutException) {
      return Type.TIMEOUT;
    }
    if (error instanceof ResourceNotFoundException) {
      return Type.NOT_FOUND;
    }
    if (error instanceof AwsServiceException service) {
      String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
      if (THROTTLING_CODES.contains(code) || service.statusCode() == 429) {
        return Type.THROTTLED;
      }
      if (DENIED_CODES.contains(code) || service.statusCode() == 403) {
        return Type.DENIED;
      }
      if ("ResourceNotFoundException".equals(code)) {
        return Type.NOT_FOUND;
      }
      return service.statusCode() >= 500 || "InternalServiceError".equals(code) ? Type.SERVER_ERROR : Type.OTHER;
    }
    if (error instanceof SdkClientException) {
      // Checked before IOException: Jackson's parse errors are IOExceptions, but a body that is not JSON is a
      // malformed answer, not a network fault, and the two call for different alerts.
      if (hasJsonParseCause(error)) {
        return Type.MALFORMED;
      }
      if (hasCause(error, IOException.class)) {
        return Type.NETWORK;
      }
      String message = String.valueOf(error.getMessage());
      return message.contains("unmarshall") || message.contains("parse") ? Type.MALFORMED : Type.NETWORK;
    }
    return error instanceof IOException ? Type.NETWORK : Type.OTHER;
  }

  private static String describe(Throwable error) {
    if (error instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
    }
    String message = error.getMessage() == null ? "" : ": " + error.getMessage().lines().findFirst().orElse("");
    return error.getClass().getSimpleName() + message;
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The SDK shades Jackson, so its parse errors are recognised by class name, not type. */
  private static boolean hasJsonParseCause(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getSimpleName().equals("JsonProcessingException")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable error = failure;
    while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
