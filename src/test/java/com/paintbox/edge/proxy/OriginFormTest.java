package com.paintbox.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginFormTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/a/b?c=d                        | /a/b?c=d",
      "//evil.example/x                | //evil.example/x",
      "*                               | *",
      "http://evil.example/x%2Fy?q=1   | /x%2Fy?q=1",
      "HTTPS://evil.example:8443       | /",
      "http://evil.example?q=1         | /?q=1",
      "http://user@evil.example/p#frag | /p",
      "ws://evil.example/socket        | /socket"})
  void of_requestTarget_isOriginFormWithRawPathAndQuery(String target, String expected) {
    assertThat(OriginForm.of(target)).isEqualTo(expected);
  }
}
