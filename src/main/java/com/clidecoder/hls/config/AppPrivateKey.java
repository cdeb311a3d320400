package com.clidecoder.hls.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The GitHub App's RSA private key, read from the PEM GitHub hands out (PKCS#1 {@code BEGIN RSA PRIVATE KEY})
 * or a PKCS#8 {@code BEGIN PRIVATE KEY}. Its {@code toString} masks it: the JDK's key prints its exponent.
 */
public final class AppPrivateKey {
  /**
   * The fixed DER header of a PKCS#8 PrivateKeyInfo around an RSA key of up to 64 KiB: SEQUENCE, version 0,
   * AlgorithmIdentifier rsaEncryption NULL, OCTET STRING; the lengths are patched in. A PKCS#1 RSAPrivateKey
   * is the body of that OCTET STRING, so wrapping it needs no ASN.1 library.
   */
  private static final byte[] PKCS8_HEADER = {
    0x30, (byte) 0x82, 0, 0, 0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
    (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04, (byte) 0x82, 0, 0
  };

  private final RSAPrivateKey key;

  private AppPrivateKey(RSAPrivateKey key) {
    this.key = key;
  }

  public RSAPrivateKey key() {
    return key;
  }

  /** The key in {@code file}; empty with a reason (never the file's contents) when it cannot be used. */
  public static Result read(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return new Result(Optional.empty(), "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return new Result(Optional.of(new AppPrivateKey(parse(pem))), "");
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // The exception's message may quote key material: only say what was wrong in our own words.
      return new Result(Optional.empty(), "is not an RSA private key in PEM (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)");
    }
  }

  /** A key read, or why not. */
  public record Result(Optional<AppPrivateKey> key, String problem) {}

  static RSAPrivateKey parse(String pem) throws GeneralSecurityException {
    boolean pkcs1 = pem.contains("-----BEGIN RSA PRIVATE KEY-----");
    String type = pkcs1 ? "RSA PRIVATE KEY" : "PRIVATE KEY";
    int begin = pem.indexOf("-----BEGIN " + type + "-----");
    int end = pem.indexOf("-----END " + type + "-----");
    if (begin < 0 || end < begin) throw new IllegalArgumentException("no PEM block");
    String body = pem.substring(begin + ("-----BEGIN " + type + "-----").length(), end).replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(body);
    if (pkcs1) der = wrapPkcs1(der);
    if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateKey k)) {
      throw new IllegalArgumentException("not RSA");
    }
    return k;
  }

  private static byte[] wrapPkcs1(byte[] pkcs1) {
    int total = PKCS8_HEADER.length - 4 + pkcs1.length;
    if (pkcs1.length > 0xffff || total > 0xffff) throw new IllegalArgumentException("key too large");
    byte[] out = new byte[PKCS8_HEADER.length + pkcs1.length];
    System.arraycopy(PKCS8_HEADER, 0, out, 0, PKCS8_HEADER.length);
    out[2] = (byte) (total >> 8);
    out[3] = (byte) total;
    out[24] = (byte) (pkcs1.length >> 8);
    out[25] = (byte) pkcs1.length;
    System.arraycopy(pkcs1, 0, out, PKCS8_HEADER.length, pkcs1.length);
    return out;
  }

  @Override
  public String toString() {
    return "RSA private key ****";
  }
}
