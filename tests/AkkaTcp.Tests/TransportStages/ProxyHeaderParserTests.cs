using System.Buffers.Binary;
using System.Net;
using System.Text;
using AkkaTcp.TransportStages;
using Xunit;

namespace AkkaTcp.Tests.TransportStages;

/// <summary>The PROXY protocol header parser: the forms of HAProxy's proxy-protocol.txt, headers in pieces, and random input.</summary>
public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>A version 2 header: command (0 LOCAL, 1 PROXY), family byte, address block and TLVs.</summary>
    public static byte[] V2(int command, byte family, byte[] addresses, byte[]? tlvs = null)
    {
        tlvs ??= [];
        var header = new byte[16 + addresses.Length + tlvs.Length];
        V2Signature.CopyTo(header, 0);
        header[12] = (byte)(0x20 | command);
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(addresses.Length + tlvs.Length));
        addresses.CopyTo(header, 16);
        tlvs.CopyTo(header, 16 + addresses.Length);
        return header;
    }

    public static byte[] V2Tcp(IPEndPoint source, IPEndPoint destination, byte[]? tlvs = null)
    {
        var v6 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var size = v6 ? 16 : 4;
        var addresses = new byte[2 * size + 4];
        source.Address.GetAddressBytes().CopyTo(addresses, 0);
        destination.Address.GetAddressBytes().CopyTo(addresses, size);
        BinaryPrimitives.WriteUInt16BigEndian(addresses.AsSpan(2 * size), (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(addresses.AsSpan(2 * size + 2), (ushort)destination.Port);
        return V2(1, v6 ? (byte)0x21 : (byte)0x11, addresses, tlvs);
    }

    private static ProxyParse Parse(byte[] input, out ProxyHeader header, out int consumed) =>
        ProxyHeaderParser.Parse(input, out header, out consumed, out _);

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n", "192.0.2.10:56324", "198.51.100.1:443")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 1234 6379\r\n", "[2001:db8::1]:1234", "[2001:db8::2]:6379")]
    [InlineData("PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n", "255.255.255.255:65535", "0.0.0.0:0")]
    public void Version_1_names_the_client(string line, string source, string destination)
    {
        var input = Encoding.ASCII.GetBytes(line + "PING\r\n");
        Assert.Equal(ProxyParse.Done, Parse(input, out var header, out var consumed));
        Assert.Equal(line.Length, consumed);
        Assert.Equal(IPEndPoint.Parse(source), header.Source);
        Assert.Equal(IPEndPoint.Parse(destination), header.Destination);
        Assert.Equal(1, header.Version);
    }

    [Fact]
    public void Version_1_unknown_keeps_the_socket_endpoints()
    {
        Assert.Equal(ProxyParse.Done, Parse("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n"u8.ToArray(), out var header, out _));
        Assert.Null(header.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n")]       // a port missing
    [InlineData("PROXY TCP4 2001:db8::1 198.51.100.1 1 2\r\n")]         // IPv6 in a TCP4 line
    [InlineData("PROXY TCP6 192.0.2.1 192.0.2.2 1 2\r\n")]              // IPv4 in a TCP6 line
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 65536 443\r\n")]   // port out of range
    [InlineData("PROXY TCP4 1 2 3 4\r\n")]                             // addresses not dotted
    [InlineData("PROXY UDP4 192.0.2.10 198.51.100.1 1 2\r\n")]
    [InlineData("PROXY TCP4 192.0.2.10 198.51.100.1 1 2\n")]           // LF without CR
    [InlineData("PROXY TCP4 192.0.2.10  198.51.100.1 1 2\r\n")]        // two spaces
    public void A_malformed_version_1_header_is_invalid(string line) =>
        Assert.Equal(ProxyParse.Invalid, Parse(Encoding.ASCII.GetBytes(line), out _, out _));

    [Fact]
    public void A_version_1_line_without_crlf_in_107_bytes_is_invalid()
    {
        var line = "PROXY TCP4 " + new string('1', 120);
        Assert.Equal(ProxyParse.Invalid, Parse(Encoding.ASCII.GetBytes(line), out _, out _));
    }

    [Fact]
    public void Version_2_names_the_client_over_ipv4_and_ipv6_and_skips_tlvs()
    {
        byte[] tlvs = [0x01, 0x00, 0x02, (byte)'h', (byte)'2', 0x04, 0x00, 0x00]; // ALPN "h2", an empty NOOP
        var v4 = V2Tcp(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("10.0.0.1:6379"), tlvs);
        Assert.Equal(ProxyParse.Done, Parse([.. v4, .. "*1\r\n"u8.ToArray()], out var header, out var consumed));
        Assert.Equal(v4.Length, consumed);
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:40000"), header.Source);
        Assert.Equal(2, header.Version);

        var v6 = V2Tcp(IPEndPoint.Parse("[2001:db8::7]:40000"), IPEndPoint.Parse("[2001:db8::1]:443"));
        Assert.Equal(ProxyParse.Done, Parse(v6, out header, out _));
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:40000"), header.Source);
    }

    [Fact]
    public void Version_2_local_and_unspec_keep_the_socket_endpoints()
    {
        Assert.Equal(ProxyParse.Done, Parse(V2(0, 0x00, []), out var local, out _));
        Assert.Null(local.Source);
        var addresses = new byte[12];
        Assert.Equal(ProxyParse.Done, Parse(V2(0, 0x11, addresses), out var localWithAddresses, out _));
        Assert.Null(localWithAddresses.Source);
        Assert.Equal(ProxyParse.Done, Parse(V2(1, 0x00, []), out var unspec, out _));
        Assert.Null(unspec.Source);
    }

    [Fact]
    public void A_malformed_version_2_header_is_invalid()
    {
        var good = V2Tcp(IPEndPoint.Parse("203.0.113.7:1"), IPEndPoint.Parse("10.0.0.1:2"));
        var badVersion = (byte[])good.Clone();
        badVersion[12] = 0x11;
        var badCommand = (byte[])good.Clone();
        badCommand[12] = 0x22;
        var badFamily = (byte[])good.Clone();
        badFamily[13] = 0x41;
        var shortAddresses = V2(1, 0x21, new byte[12]); // INET6 needs 36
        var overrunTlv = V2Tcp(IPEndPoint.Parse("203.0.113.7:1"), IPEndPoint.Parse("10.0.0.1:2"), [0x01, 0x00, 0x09, 0x00]);
        var tooLong = V2(1, 0x11, new byte[12], new byte[ProxyHeaderParser.MaxV2Length]);
        foreach (var bad in new[] { badVersion, badCommand, badFamily, shortAddresses, overrunTlv, tooLong })
            Assert.Equal(ProxyParse.Invalid, Parse(bad, out _, out _));
    }

    [Fact]
    public void A_header_arriving_byte_by_byte_needs_more_until_it_is_whole()
    {
        foreach (var header in new[] { "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n"u8.ToArray(), V2Tcp(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("10.0.0.1:6379"), [0x04, 0x00, 0x01, 0x00]) })
        {
            for (var length = 1; length < header.Length; length++)
                Assert.Equal(ProxyParse.NeedMore, Parse(header[..length], out _, out _));
            Assert.Equal(ProxyParse.Done, Parse(header, out _, out var consumed));
            Assert.Equal(header.Length, consumed);
        }
    }

    [Theory]
    [InlineData("PING\r\n")]
    [InlineData("*1\r\n$4\r\nPING\r\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXZ")]
    [InlineData("\u0016\u0003\u0001")]
    public void Other_first_bytes_are_not_a_header(string input) =>
        Assert.Equal(ProxyParse.NotProxy, Parse(Encoding.Latin1.GetBytes(input), out _, out _));

    /// <summary>
    /// Fuzz: random bytes, valid headers with random bytes flipped, and random truncations. Each
    /// answer must be consistent (Done consumes within the input; NeedMore only for a strict
    /// prefix of a possible header) and no input may throw.
    /// </summary>
    [Fact]
    public void Random_and_mutated_input_never_throws_and_answers_consistently()
    {
        var random = new Random(20261202);
        var seeds = new[]
        {
            "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n"u8.ToArray(),
            "PROXY TCP6 2001:db8::1 2001:db8::2 1234 6379\r\n"u8.ToArray(),
            V2Tcp(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("10.0.0.1:6379"), [0x01, 0x00, 0x02, 0x68, 0x32]),
            V2Tcp(IPEndPoint.Parse("[2001:db8::7]:40000"), IPEndPoint.Parse("[2001:db8::1]:443")),
        };
        for (var i = 0; i < 50_000; i++)
        {
            byte[] input;
            switch (i % 3)
            {
                case 0:
                    input = new byte[random.Next(0, 300)];
                    random.NextBytes(input);
                    break;
                case 1:
                    input = (byte[])seeds[random.Next(seeds.Length)].Clone();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                        input[random.Next(input.Length)] = (byte)random.Next(256);
                    break;
                default:
                    var seed = seeds[random.Next(seeds.Length)];
                    input = seed[..random.Next(seed.Length + 1)];
                    break;
            }
            var result = ProxyHeaderParser.Parse(input, out var header, out var consumed, out var error);
            switch (result)
            {
                case ProxyParse.Done:
                    Assert.InRange(consumed, 1, input.Length);
                    Assert.Null(error);
                    break;
                case ProxyParse.Invalid:
                    Assert.False(string.IsNullOrEmpty(error));
                    break;
                case ProxyParse.NeedMore:
                    Assert.True(input.Length < ProxyHeaderParser.MaxV2Length);
                    break;
            }
        }
    }
}
