using System.CommandLine;
using AkkaTcp.Client;

namespace AkkaTcp.Host.CommandLine;

/// <summary>The TLS options of send and fetch: --tls, --ca, --server-name, --insecure.</summary>
internal sealed class TransferTlsOptions
{
    private readonly Option<bool> _tls = new("--tls") { Description = "connect with TLS (the server's tls block enabled)" };
    private readonly Option<string> _ca = new("--ca") { Description = "PEM file of the CA that signed the server's certificate (default: the system's trusted CAs)", HelpName = "FILE" };
    private readonly Option<string> _serverName = new("--server-name") { Description = "name the server's certificate must carry, sent as SNI (default: the target's host)", HelpName = "NAME" };
    private readonly Option<bool> _insecure = new("--insecure") { Description = "accept any server certificate, unverified (tests against self-signed servers only)" };

    public void AddTo(Command command)
    {
        command.Options.Add(_tls);
        command.Options.Add(_ca);
        command.Options.Add(_serverName);
        command.Options.Add(_insecure);
    }

    public ClientTlsSettings Read(ParseResult parsed) => !parsed.GetValue(_tls) ? ClientTlsSettings.Off : new ClientTlsSettings
    {
        Enabled = true,
        Ca = parsed.GetValue(_ca) ?? "",
        ServerName = parsed.GetValue(_serverName) ?? "",
        AllowUntrusted = parsed.GetValue(_insecure),
    };
}
