using System.Security.Cryptography;
using AkkaTcp.Client;
using AkkaTcp.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace AkkaTcp.Tests.Protocols.Files;

/// <summary>The file protocol over loopback: the client library's FileClient and raw sockets.</summary>
public sealed class FileProtocolTests : ServerSpec
{
    private readonly string _root = Directory.CreateTempSubdirectory("akka-tcp-files-").FullName;
    private readonly string _local = Directory.CreateTempSubdirectory("akka-tcp-local-").FullName;

    public FileProtocolTests(ITestOutputHelper output) : base(output)
    {
    }

    private Task<AkkaTcpServer> StartFileServerAsync(string extra = "") => StartServerAsync($"""
        akka-tcp.servers.main.protocol = file
        akka-tcp.servers.main.file.root = "{_root}"
        {extra}
        """);

    private string LocalFile(string name, byte[] content)
    {
        var path = Path.Join(_local, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65_537)]
    [InlineData(64 * 1024 * 1024)]
    public async Task A_file_round_trips_with_a_matching_sha256(int size)
    {
        var server = await StartFileServerAsync();
        var content = RandomNumberGenerator.GetBytes(size);
        await using var client = await FileClient.ConnectAsync(server.LocalEndPoint, Within());

        var uploaded = await client.UploadAsync(LocalFile("source", content), "data.bin", cancellationToken: Within(60));
        var downloaded = await client.DownloadAsync("data.bin", Path.Join(_local, "copy"), cancellationToken: Within(60));

        Assert.Equal(Sha256(content), uploaded);
        Assert.Equal(uploaded, downloaded);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Join(_local, "copy")));
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Join(_root, "data.bin")));
        Assert.Equal([("data.bin", (long)size)], await client.ListAsync(Within()));
        Assert.Empty(HiddenUploads());
    }

    [Fact]
    public async Task Progress_is_reported_for_uploads_and_downloads()
    {
        var server = await StartFileServerAsync();
        var content = RandomNumberGenerator.GetBytes(1_000_000);
        await using var client = await FileClient.ConnectAsync(server.LocalEndPoint, Within());
        var sent = new List<long>();
        var received = new List<(long, long)>();

        await client.UploadAsync(LocalFile("source", content), "p.bin", new SynchronousProgress<long>(sent.Add), Within());
        await client.DownloadAsync("p.bin", Path.Join(_local, "p.copy"), new SynchronousProgress<(long, long)>(received.Add), Within());

        Assert.True(sent.Count > 1);
        Assert.Equal(1_000_000, sent[^1]);
        Assert.Equal(sent.Order(), sent);
        Assert.Equal((1_000_000L, 1_000_000L), received[^1]);
    }

    [Fact]
    public async Task Twenty_concurrent_uploads_and_downloads_each_arrive_whole()
    {
        var server = await StartFileServerAsync();
        var contents = Enumerable.Range(0, 20).Select(i => RandomNumberGenerator.GetBytes(200_000 + i * 10_000)).ToArray();
        await using (var seeder = await FileClient.ConnectAsync(server.LocalEndPoint, Within()))
            await seeder.UploadAsync(LocalFile("shared", contents[0]), "shared.bin", cancellationToken: Within());

        var transfers = Enumerable.Range(0, 20).Select(async i =>
        {
            await using var client = await FileClient.ConnectAsync(server.LocalEndPoint, Within());
            await client.UploadAsync(LocalFile($"up{i}", contents[i]), $"file{i}.bin", cancellationToken: Within(60));
            await client.DownloadAsync("shared.bin", Path.Join(_local, $"shared{i}"), cancellationToken: Within(60));
            await client.DownloadAsync($"file{i}.bin", Path.Join(_local, $"down{i}"), cancellationToken: Within(60));
        });
        await Task.WhenAll(transfers);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(contents[i], await File.ReadAllBytesAsync(Path.Join(_local, $"down{i}")));
            Assert.Equal(contents[0], await File.ReadAllBytesAsync(Path.Join(_local, $"shared{i}")));
        }
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_and_the_old_version_is_kept()
    {
        var server = await StartFileServerAsync();
        await File.WriteAllTextAsync(Path.Join(_root, "keep.txt"), "old version");
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync($"PUT keep.txt 5 {Sha256("other"u8.ToArray())}\nhello", Within());

        Assert.Equal($"ERR checksum mismatch (got {Sha256("hello"u8.ToArray())})", await raw.ReadLineAsync(Within()));
        Assert.Equal("old version", await File.ReadAllTextAsync(Path.Join(_root, "keep.txt")));
        Assert.Empty(HiddenUploads());
        // The connection carries on.
        await raw.SendAsync("LIST\n", Within());
        Assert.Equal("keep.txt 11", await raw.ReadLineAsync(Within()));
        Assert.Equal(".", await raw.ReadLineAsync(Within()));
    }

    [Theory]
    [InlineData("short body, then the client closes", true)]
    [InlineData("short body, then the client resets", false)]
    public async Task An_upload_cut_short_leaves_no_partial_file_and_the_old_version_untouched(string _, bool gracefully)
    {
        var server = await StartFileServerAsync();
        await File.WriteAllTextAsync(Path.Join(_root, "keep.txt"), "old version");
        var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await raw.SendAsync($"PUT keep.txt 100000 {Sha256(new byte[100000])}\n" + new string('x', 5000), Within());
        await EventuallyAsync(() => HiddenUploads().Length == 1); // the body is being written aside

        if (gracefully)
            raw.ShutdownSend();
        else
            raw.Reset();

        await EventuallyAsync(() => HiddenUploads().Length == 0);
        Assert.Equal("old version", await File.ReadAllTextAsync(Path.Join(_root, "keep.txt")));
        await raw.DisposeAsync();
    }

    [Fact]
    public async Task An_oversized_upload_is_refused_before_its_body_is_read()
    {
        var server = await StartFileServerAsync("akka-tcp.servers.main.file.max-file-size = 1m");
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync($"PUT big.bin 2000000 {Sha256([])}\n", Within());

        Assert.Equal("ERR too large (max-file-size is 1048576 bytes)", await raw.ReadLineAsync(Within()));
        var (_, clean) = await raw.ReadToEndAsync(Within());
        Assert.True(clean);
        Assert.Empty(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task An_upload_the_disk_cannot_hold_is_refused()
    {
        var server = await StartFileServerAsync("akka-tcp.servers.main.file.min-free-space = 1000000g");
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync($"PUT a.bin 1 {Sha256([])}\n", Within());

        Assert.Equal("ERR not enough disk space", await raw.ReadLineAsync(Within()));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData("/etc/passwd")]
    [InlineData("dir/file")]
    [InlineData("dir\\file")]
    [InlineData(".hidden")]
    [InlineData(".sha256")]
    [InlineData("bell\u0007")]
    [InlineData("nul\u0000byte")]
    [InlineData("next\u0085line")]
    [InlineData("c1\u009b")]
    public async Task Every_bad_name_is_refused_for_every_command(string name)
    {
        var server = await StartFileServerAsync();
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync($"PUT {name} 3 {Sha256("abc"u8.ToArray())}\nabcGET {name}\nDEL {name}\n", Within());

        Assert.Equal("ERR bad name", await raw.ReadLineAsync(Within()));
        Assert.Equal("ERR bad name", await raw.ReadLineAsync(Within()));
        Assert.Equal("ERR bad name", await raw.ReadLineAsync(Within()));
        Assert.False(File.Exists(Path.Join(Path.GetTempPath(), "escape.txt")));
        Assert.Empty(Directory.GetFiles(_root));
    }

    [Fact]
    public async Task A_name_over_255_bytes_is_refused()
    {
        var server = await StartFileServerAsync();
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync($"GET {new string('é', 128)}\nGET {new string('a', 255)}\n", Within());

        Assert.Equal("ERR bad name", await raw.ReadLineAsync(Within())); // 256 bytes of UTF-8
        Assert.Equal("ERR not found", await raw.ReadLineAsync(Within()));
    }

    [Fact]
    public async Task A_symlink_inside_the_root_pointing_out_is_never_followed()
    {
        var server = await StartFileServerAsync();
        var outside = Path.Join(_local, "secret.txt");
        await File.WriteAllTextAsync(outside, "secret");
        File.CreateSymbolicLink(Path.Join(_root, "link.txt"), outside);
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        await raw.SendAsync("GET link.txt\nLIST\nDEL link.txt\n", Within());

        Assert.Equal("ERR not found", await raw.ReadLineAsync(Within()));
        Assert.Equal(".", await raw.ReadLineAsync(Within())); // not listed
        Assert.Equal("ERR not found", await raw.ReadLineAsync(Within()));
        Assert.Equal("secret", await File.ReadAllTextAsync(outside));

        // Uploading that name replaces the link itself, never writes through it.
        await raw.SendAsync($"PUT link.txt 3 {Sha256("new"u8.ToArray())}\nnew", Within());
        Assert.Equal($"OK {Sha256("new"u8.ToArray())}", await raw.ReadLineAsync(Within()));
        Assert.Equal("secret", await File.ReadAllTextAsync(outside));
        Assert.Null(new FileInfo(Path.Join(_root, "link.txt")).LinkTarget);
    }

    [Fact]
    public async Task Get_list_del_and_quit_answer_as_documented()
    {
        var server = await StartFileServerAsync();
        await File.WriteAllTextAsync(Path.Join(_root, "b.txt"), "bee");
        await File.WriteAllTextAsync(Path.Join(_root, "a.txt"), "a");
        await using var raw = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());

        // A file placed in the root by other means is hashed on its first GET.
        await raw.SendAsync("GET b.txt\n", Within());
        Assert.Equal($"OK 3 {Sha256("bee"u8.ToArray())}", await raw.ReadLineAsync(Within()));
        Assert.Equal("bee"u8.ToArray(), await raw.ReadBytesAsync(3, Within()));
        await raw.SendAsync("LIST\nDEL a.txt\nDEL a.txt\nGET a.txt\nFROB\nQUIT\n", Within());
        Assert.Equal("a.txt 1", await raw.ReadLineAsync(Within()));
        Assert.Equal("b.txt 3", await raw.ReadLineAsync(Within()));
        Assert.Equal(".", await raw.ReadLineAsync(Within()));
        Assert.Equal("OK", await raw.ReadLineAsync(Within()));
        Assert.Equal("ERR not found", await raw.ReadLineAsync(Within()));
        Assert.Equal("ERR not found", await raw.ReadLineAsync(Within()));
        Assert.StartsWith("ERR unknown command", await raw.ReadLineAsync(Within()));
        Assert.Equal("OK bye", await raw.ReadLineAsync(Within()));
        var (_, clean) = await raw.ReadToEndAsync(Within());
        Assert.True(clean);
    }

    [Fact]
    public async Task A_download_in_progress_keeps_its_version_when_the_file_is_replaced()
    {
        var server = await StartFileServerAsync("akka-tcp.servers.main.file.chunk-size = 4k");
        var first = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        var second = RandomNumberGenerator.GetBytes(1000);
        await using var uploader = await FileClient.ConnectAsync(server.LocalEndPoint, Within());
        await uploader.UploadAsync(LocalFile("first", first), "v.bin", cancellationToken: Within());
        await using var reader = await FileClient.ConnectAsync(server.LocalEndPoint, Within());

        var download = reader.DownloadAsync("v.bin", Path.Join(_local, "v.copy"), cancellationToken: Within(60));
        await uploader.UploadAsync(LocalFile("second", second), "v.bin", cancellationToken: Within());
        await download;

        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Join(_local, "v.copy")));
        await reader.DownloadAsync("v.bin", Path.Join(_local, "v2.copy"), cancellationToken: Within());
        Assert.Equal(second, await File.ReadAllBytesAsync(Path.Join(_local, "v2.copy")));
    }

    private string[] HiddenUploads() => Directory.GetFiles(_root, ".upload-*");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Directory.Delete(_root, recursive: true);
            Directory.Delete(_local, recursive: true);
        }
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [Fact]
    public async Task Concurrent_PUTs_of_one_name_leave_bytes_and_checksum_as_one_unit()
    {
        var server = await StartFileServerAsync();
        var contents = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(4096)).ToArray(); // one size: only the bytes differ
        var sources = contents.Select((content, i) => LocalFile($"v{i}", content)).ToArray();
        var clients = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => FileClient.ConnectAsync(server.LocalEndPoint, Within())));
        try
        {
            for (var round = 0; round < 60; round++)
            {
                await Task.WhenAll(Enumerable.Range(0, 4).Select(i => clients[i].UploadAsync(sources[i], "shared.bin", cancellationToken: Within())));
                // The client checks the announced sha256 against the bytes it receives (it throws on a mismatch).
                var announced = await clients[4].DownloadAsync("shared.bin", Path.Join(_local, "copy"), cancellationToken: Within());
                Assert.Contains(announced, contents.Select(Sha256));
                Assert.Equal(announced, Sha256(await File.ReadAllBytesAsync(Path.Join(_local, "copy"))));
            }
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_LIST_racing_DELs_skips_what_vanished_and_keeps_its_connection()
    {
        var server = await StartFileServerAsync();
        await using var lister = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        await using var deleter = await RawLineClient.ConnectAsync(server.LocalEndPoint, Within());
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < 200; i++)
                await File.WriteAllTextAsync(Path.Join(_root, $"f{i}"), "x");
            var deletes = string.Concat(Enumerable.Range(0, 200).Select(i => $"DEL f{i}\n"));
            await Task.WhenAll(
                deleter.SendAsync(deletes, Within()),
                lister.SendAsync("LIST\nLIST\nLIST\n", Within()));
            for (var list = 0; list < 3; list++)
            {
                string? line;
                while ((line = await lister.ReadLineAsync(Within())) != ".")
                    Assert.Matches(@"^f\d+ 1$", line ?? "(the LIST connection was closed)");
            }
            for (var i = 0; i < 200; i++)
                Assert.Equal("OK", await deleter.ReadLineAsync(Within()));
        }
    }
}
