using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace AkkaTcp.TransportStages;

/// <summary>What a PROXY protocol header said: the client's and the proxy's endpoints, or none (LOCAL, UNKNOWN: the proxy's own connection, e.g. a health check).</summary>
internal readonly record struct ProxyHeader(IPEndPoint? Source, IPEndPoint? Destination, int Version);

internal enum ProxyParse
{
    /// <summary>The bytes so far are a prefix of a header: wait for more.</summary>
    NeedMore,
    /// <summary>The input does not start with a PROXY header.</summary>
    NotProxy,
    /// <summary>A whole header was read.</summary>
    Done,
    /// <summary>It starts as a header but is malformed or too long.</summary>
    Invalid,
}

/// <summary>
/// Parses the PROXY protocol header a load balancer sends first (HAProxy's proxy-protocol.txt):
/// version 1, one text line of at most 107 bytes; version 2, a 16-byte binary preamble, the
/// addresses and TLVs (checked for shape, otherwise ignored; the whole header is bounded by
/// <see cref="MaxV2Length"/>). Works on whatever prefix has arrived: a header split across
/// segments answers <see cref="ProxyParse.NeedMore"/> until it is whole.
/// </summary>
internal static class ProxyHeaderParser
{
    public const int MaxV1Length = 107;

    /// <summary>HAProxy sends a few hundred bytes of TLVs at most; more is refused rather than buffered.</summary>
    public const int MaxV2Length = 16 + 4096;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyParse Parse(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        if (input.IsEmpty)
            return ProxyParse.NeedMore;
        if (IsPrefix(input, V2Signature))
            return input.Length < V2Signature.Length ? ProxyParse.NeedMore : ParseV2(input, out header, out consumed, out error);
        if (IsPrefix(input, V1Prefix))
            return input.Length < V1Prefix.Length ? ProxyParse.NeedMore : ParseV1(input, out header, out consumed, out error);
        return ProxyParse.NotProxy;
    }

    /// <summary>True when the shorter of the two is a prefix of the other.</summary>
    private static bool IsPrefix(ReadOnlySpan<byte> input, ReadOnlySpan<byte> signature)
    {
        var length = Math.Min(input.Length, signature.Length);
        return input[..length].SequenceEqual(signature[..length]);
    }

    private static ProxyParse ParseV1(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        var end = input[..Math.Min(input.Length, MaxV1Length)].IndexOf("\r\n"u8);
        if (end < 0)
        {
            if (input.Length < MaxV1Length && input.IndexOf((byte)'\n') < 0)
                return ProxyParse.NeedMore;
            return Invalid(out error, "a version 1 header must end with CRLF within 107 bytes");
        }
        consumed = end + 2;
        var line = input[V1Prefix.Length..end];
        foreach (var b in line)
        {
            if (b < 0x20 || b > 0x7E)
                return Invalid(out error, "a version 1 header holds only printable ASCII");
        }
        var fields = Encoding.ASCII.GetString(line).Split(' ');
        if (fields[0] == "UNKNOWN")
        {
            header = new ProxyHeader(null, null, 1);
            return ProxyParse.Done;
        }
        if (fields.Length != 5 || fields[0] is not ("TCP4" or "TCP6"))
            return Invalid(out error, "a version 1 header is PROXY TCP4|TCP6 <source> <destination> <source port> <destination port>, or PROXY UNKNOWN");
        var v6 = fields[0] == "TCP6";
        if (!TryAddress(fields[1], v6, out var source) || !TryAddress(fields[2], v6, out var destination))
            return Invalid(out error, $"a version 1 {fields[0]} header's addresses must be {(v6 ? "IPv6" : "dotted IPv4")} addresses");
        if (!TryPort(fields[3], out var sourcePort) || !TryPort(fields[4], out var destinationPort))
            return Invalid(out error, "a version 1 header's ports must be numbers from 0 to 65535");
        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 1);
        return ProxyParse.Done;
    }

    private static bool TryAddress(string text, bool v6, out IPAddress address)
    {
        address = IPAddress.None;
        if (v6 ? !text.Contains(':') : text.Split('.').Length != 4 || text.Any(c => c is not (>= '0' and <= '9' or '.')))
            return false;
        if (!IPAddress.TryParse(text, out var parsed))
            return false;
        address = parsed;
        return true;
    }

    private static bool TryPort(string text, out int port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && int.TryParse(text, out port) && port <= 65535;
    }

    private static ProxyParse ParseV2(ReadOnlySpan<byte> input, out ProxyHeader header, out int consumed, out string? error)
    {
        header = default;
        consumed = 0;
        error = null;
        if (input.Length < 16)
            return ProxyParse.NeedMore;
        var versionCommand = input[12];
        if (versionCommand >> 4 != 2)
            return Invalid(out error, "a version 2 header must have version 2");
        var command = versionCommand & 0x0F;
        if (command > 1)
            return Invalid(out error, "a version 2 header's command must be LOCAL or PROXY");
        var family = input[13];
        var length = BinaryPrimitives.ReadUInt16BigEndian(input[14..16]);
        if (16 + length > MaxV2Length)
            return Invalid(out error, $"a version 2 header longer than {MaxV2Length} bytes is refused");
        if (input.Length < 16 + length)
            return ProxyParse.NeedMore;
        consumed = 16 + length;
        var body = input.Slice(16, length);
        var addressLength = (family >> 4) switch
        {
            0 => 0,   // UNSPEC
            1 => 12,  // INET: 4 + 4 + 2 + 2
            2 => 36,  // INET6: 16 + 16 + 2 + 2
            3 => 216, // UNIX: 108 + 108
            _ => -1,
        };
        if (addressLength < 0 || (family & 0x0F) > 2)
            return Invalid(out error, "a version 2 header's address family must be UNSPEC, INET, INET6 or UNIX over STREAM or DGRAM");
        if (body.Length < addressLength)
            return Invalid(out error, "a version 2 header is shorter than its addresses");
        if (!TlvsWellFormed(body[addressLength..]))
            return Invalid(out error, "a version 2 header's TLVs overrun it");
        // LOCAL (a proxy's own check) and address families without IP: the socket's endpoints stand.
        if (command == 0 || (family >> 4) is 0 or 3)
        {
            header = new ProxyHeader(null, null, 2);
            return ProxyParse.Done;
        }
        var v6 = family >> 4 == 2;
        var size = v6 ? 16 : 4;
        var source = new IPAddress(body[..size]);
        var destination = new IPAddress(body.Slice(size, size));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(2 * size, 2));
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(2 * size + 2, 2));
        header = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 2);
        return ProxyParse.Done;
    }

    private static bool TlvsWellFormed(ReadOnlySpan<byte> tlvs)
    {
        while (!tlvs.IsEmpty)
        {
            if (tlvs.Length < 3)
                return false;
            var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..3]);
            if (tlvs.Length < 3 + length)
                return false;
            tlvs = tlvs[(3 + length)..];
        }
        return true;
    }

    private static ProxyParse Invalid(out string error, string message)
    {
        error = message;
        return ProxyParse.Invalid;
    }
}
