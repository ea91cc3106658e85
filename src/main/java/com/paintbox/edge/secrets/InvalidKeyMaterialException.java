package com.paintbox.edge.secrets;

/**
 * A secret whose content cannot be published. The message describes the problem by position, {@code kid} and key
 * type only: it never quotes the secret, so it is safe to log.
 */
public final class InvalidKeyMaterialException extends Exception {

  private static final long serialVersionUID = 1L;

  InvalidKeyMaterialException(String message) {
    super(message, null, false, false);
  }
}
