package com.paintbox.edge.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 and an ephemeral UDP port, answering what a test tells it to, as Fly's fdaa::3 answers
 * the {@code .internal} names: TXT and AAAA records by name, NXDOMAIN for any other name, silence when muted. Built
 * on Netty's DNS codec (which Vert.x's own resolver uses), so the edge's real DNS client is what is tested.
 */
final class LoopbackDns implements AutoCloseable {

  /** Seconds a record may be cached; the edge resolves again on its own timer whatever this says. */
  private static final long TTL_SECONDS = 5;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<String, List<String>> txt = new ConcurrentHashMap<>();
  private final Map<String, List<String>> aaaa = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private volatile boolean muted;
  private final Channel channel;

  LoopbackDns() throws InterruptedException {
    channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Responder());
          }
        })
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  /** Where the edge should send its queries: EDGE_FLEET_DNS. */
  String address() {
    return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Sets (or, with no values, removes) the TXT strings of {@code name}. */
  LoopbackDns txt(String name, String... values) {
    put(txt, name, values);
    return this;
  }

  /** Sets (or, with no addresses, removes) the AAAA addresses of {@code name}. */
  LoopbackDns aaaa(String name, String... addresses) {
    put(aaaa, name, addresses);
    return this;
  }

  /** Stops answering (queries time out), or answers again. */
  void mute(boolean mute) {
    muted = mute;
  }

  int queries() {
    return queries.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void put(Map<String, List<String>> records, String name, String... values) {
    if (values.length == 0) {
      records.remove(name);
    } else {
      records.put(name, List.of(values));
    }
  }

  private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) throws UnknownHostException {
      queries.incrementAndGet();
      if (muted) {
        return;
      }
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
          : question.name();
      DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.setRecursionAvailable(true);
      response.addRecord(DnsSection.QUESTION, question);
      List<String> txtValues = txt.get(name);
      List<String> addresses = aaaa.get(name);
      if (txtValues == null && addresses == null) {
        response.setCode(DnsResponseCode.NXDOMAIN);
      } else if (question.type() == DnsRecordType.TXT && txtValues != null) {
        ByteBuf data = Unpooled.buffer();
        for (String value : txtValues) { // character-strings: a length byte, then at most 255 bytes
          byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
          data.writeByte(bytes.length).writeBytes(bytes);
        }
        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.TXT, TTL_SECONDS, data));
      } else if (question.type() == DnsRecordType.AAAA && addresses != null) {
        for (String address : addresses) {
          byte[] bytes = InetAddress.getByName(address).getAddress();
          if (bytes.length == 4) { // an IPv4 address, answered as IPv4-mapped IPv6 (::ffff:a.b.c.d)
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
          }
          response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.AAAA,
              TTL_SECONDS, Unpooled.wrappedBuffer(bytes)));
        }
      }
      ctx.writeAndFlush(response);
    }
  }
}
