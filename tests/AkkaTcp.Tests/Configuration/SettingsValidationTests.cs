using System.Net;
using Akka.Configuration;
using AkkaTcp.Configuration;
using AkkaTcp.Host.CommandLine;
using AkkaTcp.Host.Hosting;
using AkkaTcp.Tests.Support;
using Xunit;

namespace AkkaTcp.Tests.Configuration;

/// <summary>Every bad value is one line that names the key and the value.</summary>
public sealed class SettingsValidationTests
{
    private static string ErrorFor(string hocon) =>
        Assert.Throws<InvalidConfigException>(() => ServerSpec.LoadSettings(hocon)).Message;

    [Theory]
    [InlineData("akka-tcp.servers.main.port = 70000", "akka-tcp.servers.main.port = 70000: must be between 0 and 65535 (got 70000)")]
    [InlineData("akka-tcp.servers.main.port = -1", "akka-tcp.servers.main.port = -1: must be between 0 and 65535 (got -1)")]
    [InlineData("akka-tcp.servers.main.port = seven", "akka-tcp.servers.main.port = seven: must be an integer")]
    [InlineData("akka-tcp.servers.main.protocol = nope", "akka-tcp.servers.main.protocol = nope: unknown protocol (known: echo, file, json-rpc, random, resp)")]
    [InlineData("akka-tcp.servers.main.max-frame-size = -5", "akka-tcp.servers.main.max-frame-size = -5: must be between 1 and 1073741824 (got -5 bytes)")]
    [InlineData("akka-tcp.servers.main.max-frame-size = lots", "akka-tcp.servers.main.max-frame-size = lots: must be a size in bytes (e.g. 65536, 64k, 4m)")]
    [InlineData("akka-tcp.servers.main.socket-chunk-size = 100", "akka-tcp.servers.main.socket-chunk-size = 100: must be between 512 and 16777216 (got 100 bytes)")]
    [InlineData("akka-tcp.servers.main.udp.max-datagram-size = 70000", "akka-tcp.servers.main.udp.max-datagram-size = 70000: must be between 1 and 65507 (got 70000 bytes)")]
    [InlineData("akka-tcp.servers.main { protocol = file, file.max-file-size = big }", "akka-tcp.servers.main.file.max-file-size = big: must be a size in bytes (e.g. 65536, 64k, 4m)")]
    [InlineData("akka-tcp.servers.main.host = \"example.org\"", "akka-tcp.servers.main.host = example.org: must be an IP address (e.g. 127.0.0.1, ::1, 0.0.0.0) or localhost")]
    [InlineData("akka-tcp.servers.main.close-timeout = soon", "akka-tcp.servers.main.close-timeout = soon: must be a duration (e.g. 500ms, 10s, 2m)")]
    [InlineData("akka-tcp.servers.main.write-low-water-mark = 512k", "akka-tcp.servers.main.write-low-water-mark = 524288: must be below write-high-water-mark (262144)")]
    [InlineData("akka-tcp.servers.main.line-delimiter = \"ab\"", "akka-tcp.servers.main.line-delimiter = \"ab\": must be exactly one ASCII character, e.g. \"\\n\"")]
    [InlineData("akka-tcp.servers.main { protocol = random, random { min = 5, max = 1 } }", "akka-tcp.servers.main.random.min = 5: must not be above random.max (1)")]
    [InlineData("akka-tcp.server-defaults.backlog = 0", "akka-tcp.servers.main.backlog = 0: must be between 1 and 65535 (got 0)")]
    [InlineData("akka-tcp.protocols.mine = \"No.Such.Type, Nowhere\"", "akka-tcp.protocols.mine = No.Such.Type, Nowhere: no such type (write \"Namespace.Type, Assembly\")")]
    [InlineData("akka-tcp.protocols.mine = \"System.String\"", "akka-tcp.protocols.mine = System.String: must be a concrete class implementing AkkaTcp.Protocols.IProtocol")]
    [InlineData("akka-tcp.servers.\"bad name\" {}", "akka-tcp.servers.bad name: a server name may hold only letters, digits, '-' and '_'")]
    [InlineData("akka-tcp.servers.main.over-limit = wait", "akka-tcp.servers.main.over-limit = wait: must be one of: queue, reject")]
    [InlineData("akka-tcp.servers.main.max-connections = 0", "akka-tcp.servers.main.max-connections = 0: must be between 1 and 10000000 (got 0)")]
    [InlineData("akka-tcp.servers.main.max-pending-write-bytes = 100k", "akka-tcp.servers.main.max-pending-write-bytes = 102400: must be above write-high-water-mark (262144)")]
    [InlineData("akka-tcp.servers.main.keepalive.enabled = maybe", "akka-tcp.servers.main.keepalive.enabled = maybe: must be on or off")]
    [InlineData("akka-tcp.servers.main.keepalive.time = 100ms", "akka-tcp.servers.main.keepalive.time = 100ms: must be between 1s and 1d")]
    [InlineData("akka-tcp.servers.main.idle-timeout = -1s", "akka-tcp.servers.main.idle-timeout = -1s: must be a duration (e.g. 500ms, 10s, 2m)")]
    [InlineData("akka-tcp.servers.main.queue-timeout = 0s", "akka-tcp.servers.main.queue-timeout = 0s: must be between 1ms and 1d")]
    [InlineData("akka-tcp.servers.main.heartbeat.misses = 0", "akka-tcp.servers.main.heartbeat.misses = 0: must be between 1 and 1000 (got 0)")]
    [InlineData("akka-tcp.servers.main { protocol = json-rpc, json-rpc.methods = [\"System.String\"] }", "akka-tcp.servers.main.json-rpc.methods = System.String: must be a concrete class implementing AkkaTcp.Protocols.JsonRpc.IJsonRpcMethodProvider")]
    [InlineData("akka-tcp.use-dispatcher = no-such-dispatcher", "akka-tcp.use-dispatcher = no-such-dispatcher: names no dispatcher block in the configuration")]
    [InlineData("akka-tcp.servers.main.max-conections = 5", "akka-tcp.servers.main.max-conections = 5: unknown key (did you mean max-connections?)")]
    [InlineData("akka-tcp.servers.main.keepalive.tme = 5s", "akka-tcp.servers.main.keepalive.tme = 5s: unknown key (did you mean keepalive.time?)")]
    [InlineData("akka-tcp.servers.main.resp.partitons = 4", "akka-tcp.servers.main.resp.partitons = 4: unknown key (did you mean resp.partitions?)")]
    [InlineData("akka-tcp.server-defaults.idle-timout = 5s", "akka-tcp.server-defaults.idle-timout = 5s: unknown key (did you mean idle-timeout?)")]
    [InlineData("akka-tcp.use-dispatchr = x", "akka-tcp.use-dispatchr = x: unknown key (did you mean use-dispatcher?)")]
    [InlineData("akka-tcp.servers.main.frobnicate = yes", "akka-tcp.servers.main.frobnicate = yes: unknown key")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on }", "akka-tcp.servers.main.tls.certificate = : TLS needs a certificate: a PEM file (with key = its PEM key) or a PKCS#12 file (.pfx/.p12, with its password)")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on, certificate = c.pem, protocols = [tls10] }", "akka-tcp.servers.main.tls.protocols = tls10: each must be tls12 or tls13")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on, certificate = c.pem, client-certificate = required }", "akka-tcp.servers.main.tls.client-ca = : a client-certificate mode needs the CA (PEM) that signs client certificates")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on, certificate = c.pem, client-certificate = sometimes }", "akka-tcp.servers.main.tls.client-certificate = sometimes: must be one of: none, optional, required")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on, certificate = /nonexistent.pem, key = /nonexistent.key }", "akka-tcp.servers.main.tls.certificate: cannot load the TLS certificate: Could not find file '/nonexistent.pem'.")]
    [InlineData("akka-tcp.servers.main.tls { enabled = on, certificate = c.pem, sni { api { certificate = a.pem } } }", "akka-tcp.servers.main.tls.sni.api.server-names = []: must list the server names (SNI) this certificate serves, e.g. [\"api.example.com\", \"*.example.com\"]")]
    [InlineData("akka-tcp.servers.main.tls.sni { api { certificate = a.pem, kye = a.key } }", "akka-tcp.servers.main.tls.sni.api.kye = a.key: unknown key")]
    [InlineData("akka-tcp.servers.main.proxy-protocol = required", "akka-tcp.servers.main.trusted-proxies = []: proxy-protocol needs the load balancers' addresses: a header from any other source is refused")]
    [InlineData("akka-tcp.servers.main { proxy-protocol = always, trusted-proxies = [\"127.0.0.1\"] }", "akka-tcp.servers.main.proxy-protocol = always: must be one of: off, optional, required")]
    [InlineData("akka-tcp.servers.main { proxy-protocol = optional, trusted-proxies = [\"10.0.0.0/33\"] }", "akka-tcp.servers.main.trusted-proxies = 10.0.0.0/33: each must be an address or a network in CIDR form, e.g. \"10.0.0.0/8\", \"127.0.0.1\", \"::1/128\"")]
    [InlineData("akka-tcp.servers.main { transport = udp, proxy-protocol = optional, trusted-proxies = [\"127.0.0.1\"] }", "akka-tcp.servers.main.transport = udp: tls and proxy-protocol are for tcp servers")]
    public void A_bad_value_is_one_line_naming_key_and_value(string hocon, string expected)
    {
        var message = ErrorFor(hocon);
        Assert.Equal(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData("akka-tcp { servers { main { port = 1 }\n", "line 1: '{' is never closed")]
    [InlineData("a = 1\n}\n", "line 2: unexpected '}'")]
    [InlineData("a = [1, 2}\n", "line 1: unexpected '}'")]
    [InlineData("# \"comments\" { are fine\na = \"brace } in a string\"\nb = \"never closed\n", "line 3: string is never closed")]
    [InlineData("a = ${missing}", "Unresolved substitution: missing")]
    public void Broken_hocon_text_is_refused_with_where_it_breaks(string hocon, string expected)
    {
        var message = Assert.Throws<InvalidConfigException>(() => AkkaTcpConfig.Parse(hocon, "test.hocon")).Message;
        Assert.Equal($"cannot parse test.hocon: {expected}", message);
    }

    [Fact]
    public void An_unparseable_file_is_a_one_line_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"akka-tcp-bad-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, "akka-tcp { servers { main { port = 1 }\n");
        try
        {
            var message = Assert.Throws<InvalidConfigException>(() => AkkaTcpConfig.ParseFile(path)).Message;
            Assert.StartsWith($"cannot parse config file {path}: ", message);
            Assert.DoesNotContain('\n', message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error()
    {
        var message = Assert.Throws<InvalidConfigException>(() => AkkaTcpConfig.ParseFile("/nonexistent/akka-tcp.hocon")).Message;
        Assert.StartsWith("cannot read config file /nonexistent/akka-tcp.hocon: ", message);
    }

    [Fact]
    public void Every_server_inherits_server_defaults_and_overrides_its_own_keys()
    {
        var settings = AkkaTcpSettings.Load(ConfigurationFactory.ParseString("""
            akka-tcp.server-defaults.max-frame-size = 2k
            akka-tcp.servers {
              main { port = 7100 }
              dice { port = 7101, protocol = random, max-frame-size = 100, host = localhost }
            }
            """));
        var main = settings.Servers.Single(s => s.Name == "main");
        var dice = settings.Servers.Single(s => s.Name == "dice");
        Assert.Equal((7100, "echo", 2048), (main.EndPoint.Port, main.ProtocolName, main.MaxFrameSize));
        Assert.Equal((7101, "random", 100), (dice.EndPoint.Port, dice.ProtocolName, dice.MaxFrameSize));
        Assert.Equal(IPAddress.Loopback, dice.EndPoint.Address);
    }

    [Fact]
    public void The_reference_defaults_run_echo_on_loopback_port_7000()
    {
        var main = Assert.Single(AkkaTcpSettings.Load(ConfigurationFactory.Empty).Servers);
        Assert.Equal(("main", "127.0.0.1:7000", "echo"), (main.Name, main.EndPoint.ToString(), main.ProtocolName));
        Assert.Equal((65536, 262144, 65536), (main.MaxFrameSize, main.WriteHighWaterMark, main.WriteLowWaterMark));
    }

    [Fact]
    public void The_connection_dispatcher_has_a_thread_per_core_and_at_least_two_unless_configured()
    {
        const string key = "akka-tcp.connection-dispatcher.dedicated-thread-pool.thread-count";
        Assert.Equal(Math.Max(2, Environment.ProcessorCount), AkkaTcpConfig.Reference.GetInt(key));
        Assert.Equal(5, AkkaTcpConfig.WithDefaults(ConfigurationFactory.ParseString($"{key} = 5")).GetInt(key));
    }

    [Fact]
    public void The_console_host_puts_connections_on_its_default_dispatcher_inline_or_a_dedicated_pool_unless_configured()
    {
        var host = HostConfig.Build(new HostCommandLine());
        Assert.Equal("akka.actor.default-dispatcher", host.GetString("akka-tcp.use-dispatcher"));
        Assert.Equal("AkkaTcp.Runtime.InlineExecutorConfigurator, AkkaTcp", host.GetString("akka.actor.default-dispatcher.executor"));
        Assert.Equal("akka.actor.internal-dispatcher", host.GetString("akka.loggers-dispatcher"));
        Assert.Equal("AkkaTcp.Runtime.CompactMailbox, AkkaTcp", host.GetString("akka.actor.default-mailbox.mailbox-type"));
        Assert.Equal("akka.actor.default-dispatcher", Assert.Single(AkkaTcpSettings.Load(host).Servers).Dispatcher);

        var pool = HostConfig.Build(new HostCommandLine { Sets = ["akka-tcp.host.inline-execution=off"] });
        Assert.Equal("ForkJoinDispatcher", pool.GetString("akka.actor.default-dispatcher.type"));
        Assert.Equal(Math.Max(2, Environment.ProcessorCount), pool.GetInt("akka.actor.default-dispatcher.dedicated-thread-pool.thread-count"));
        Assert.NotEqual("AkkaTcp.Runtime.InlineExecutorConfigurator, AkkaTcp", pool.GetString("akka.actor.default-dispatcher.executor"));

        var own = HostConfig.Build(new HostCommandLine { Sets = ["akka-tcp.use-dispatcher=akka-tcp.connection-dispatcher"] });
        Assert.Equal("akka-tcp.connection-dispatcher", Assert.Single(AkkaTcpSettings.Load(own).Servers).Dispatcher);
    }

    [Fact]
    public void Every_shipped_hocon_file_is_valid()
    {
        var dir = Path.Combine(RepoRoot(), "hocon");
        var files = Directory.GetFiles(dir, "*.hocon");
        Assert.NotEmpty(files);
        using var certificates = new AkkaTcp.Tests.Support.TestCertificates();
        var (certificate, key, _) = certificates.Server("server");
        foreach (var file in files)
        {
            var config = AkkaTcpConfig.ParseFile(file);
            // A TLS example names the files a user makes (its comment says how): these stand in for them.
            foreach (var server in config.GetConfig("akka-tcp.servers").AsEnumerable().Select(p => p.Key))
            {
                if (config.GetBoolean($"akka-tcp.servers.{server}.tls.enabled"))
                    config = Akka.Configuration.ConfigurationFactory.ParseString(
                        $"akka-tcp.servers.{server}.tls {{ certificate = \"{certificate}\", key = \"{key}\" }}").WithFallback(config);
            }
            Assert.NotEmpty(AkkaTcpSettings.Load(config).Servers);
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AkkaTcp.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("AkkaTcp.sln not found above the test directory");
    }

    [Fact]
    public void Keys_a_third_party_protocol_reads_are_known_and_blocks_owned_by_others_are_not_checked()
    {
        var settings = ServerSpec.LoadSettings("""
            akka-tcp.protocols.startup-crash = "AkkaTcp.Tests.Protocols.StartupCrashingProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main { protocol = startup-crash, startup-crash.step = none }
            akka-tcp.servers.other { port = 0, resp.partitions = 2 }
            akka-tcp.connection-dispatcher.throughput = 10
            akka-tcp.client.pool.max-connections = 3
            """);
        Assert.Equal(2, settings.Servers.Count);
    }

    [Fact]
    public void A_third_party_protocol_brings_its_own_defaults_from_its_assembly()
    {
        // StartupCrashingProtocol reads startup-crash.step; only the test assembly's embedded reference.conf sets it.
        var settings = ServerSpec.LoadSettings("""
            akka-tcp.protocols.startup-crash = "AkkaTcp.Tests.Protocols.StartupCrashingProtocol, AkkaTcp.Tests"
            akka-tcp.servers.main.protocol = startup-crash
            akka-tcp.servers.other { port = 0, startup-crash.step = on-connected }
            """);
        Assert.IsType<AkkaTcp.Tests.Protocols.StartupCrashingProtocol>(settings.Servers.Single(s => s.Name == "main").Protocol);
    }

    [Fact]
    public void The_defaults_keep_silent_long_lived_connections()
    {
        var main = ServerSpec.LoadSettings("").Servers[0];
        Assert.Equal(TimeSpan.Zero, main.IdleTimeout); // Redis's `timeout 0`: push and pooled clients are silent by design
        Assert.Equal(TimeSpan.Zero, main.HandshakeTimeout); // no transport handshake on plaintext
        Assert.True(main.Socket.KeepAlive); // dead peers are found by TCP keepalive instead
        Assert.True(main.MinReceiveRate.Enabled); // a frame trickled byte by byte is still cut
    }
}
