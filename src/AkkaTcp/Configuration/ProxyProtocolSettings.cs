using System.Net;

namespace AkkaTcp.Configuration;

/// <summary>
/// Whether a server reads a PROXY protocol header (v1 or v2) from its clients, and from which
/// sources it believes one (proxy-protocol and trusted-proxies; reasons in reference.conf).
/// </summary>
public sealed record ProxyProtocolSettings(ProxyProtocolMode Mode, IReadOnlyList<IPNetwork> TrustedProxies)
{
    public static readonly ProxyProtocolSettings Off = new(ProxyProtocolMode.Off, []);

    public bool Enabled => Mode != ProxyProtocolMode.Off;

    /// <summary>Whether a connection from this address may carry a header (IPv4 clients of a dual-stack socket count as IPv4).</summary>
    public bool Trusts(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        foreach (var network in TrustedProxies)
        {
            if (network.Contains(address))
                return true;
        }
        return false;
    }

    internal static ProxyProtocolSettings Read(ConfigReader config)
    {
        var mode = config.OneOf("proxy-protocol", "off", "optional", "required") switch
        {
            "optional" => ProxyProtocolMode.Optional,
            "required" => ProxyProtocolMode.Required,
            _ => ProxyProtocolMode.Off,
        };
        var trusted = new List<IPNetwork>();
        foreach (var text in config.StringList("trusted-proxies"))
        {
            var cidr = text.Contains('/') ? text : text + (text.Contains(':') ? "/128" : "/32");
            if (!IPNetwork.TryParse(cidr, out var network))
                throw new InvalidConfigException(config.FullKey("trusted-proxies"), text, "each must be an address or a network in CIDR form, e.g. \"10.0.0.0/8\", \"127.0.0.1\", \"::1/128\"");
            trusted.Add(network);
        }
        if (mode != ProxyProtocolMode.Off && trusted.Count == 0)
            throw new InvalidConfigException(config.FullKey("trusted-proxies"), "[]", "proxy-protocol needs the load balancers' addresses: a header from any other source is refused");
        return mode == ProxyProtocolMode.Off ? Off : new ProxyProtocolSettings(mode, trusted);
    }
}

/// <summary>proxy-protocol: off, optional (a header is read when the first bytes are one) or required.</summary>
public enum ProxyProtocolMode
{
    Off,
    Optional,
    Required,
}
