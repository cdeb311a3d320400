package com.clidecoder.hls.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** A GitHub App key pair made in the test, written as GitHub's PKCS#1 PEM or as PKCS#8. */
public final class AppKeys {
  /** Length of the PKCS#8 PrivateKeyInfo header in front of an RSA key's PKCS#1 body (2048-bit keys). */
  private static final int PKCS8_HEADER = 26;

  private AppKeys() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pkcs8Pem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  /** GitHub's format: the PKCS#8 encoding without its fixed 26-byte header is the PKCS#1 RSAPrivateKey. */
  public static String pkcs1Pem(KeyPair pair) {
    byte[] der = pair.getPrivate().getEncoded();
    return pem("RSA PRIVATE KEY", Arrays.copyOfRange(der, PKCS8_HEADER, der.length));
  }

  public static Path write(Path file, String pem) {
    try {
      Files.writeString(file, pem);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
