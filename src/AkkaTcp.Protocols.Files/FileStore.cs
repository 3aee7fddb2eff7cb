using System.Globalization;

namespace AkkaTcp.Protocols.Files;

/// <summary>
/// The served directory. Paths are only ever built from names <see cref="FileNames"/> accepted,
/// joined to the root, so they cannot leave it; a name that is a symlink is treated as absent.
/// Each file's sha256 is recorded beside it (under the hidden ".sha256" directory) with the size
/// and modification time it was computed for, so a GET need not read a file twice.
/// </summary>
internal sealed class FileStore
{
    private const string ChecksumDirectory = ".sha256";
    private readonly object _commits = new();

    public FileStore(FileSettings settings)
    {
        Settings = settings;
        Root = Path.GetFullPath(settings.Root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Join(Root, ChecksumDirectory));
    }

    public FileSettings Settings { get; }

    public string Root { get; }

    /// <summary>The path of a served name (which may not exist).</summary>
    public string PathOf(string name) => Path.Join(Root, name);

    /// <summary>A regular file (not a symlink, not a directory) of that name, or null.</summary>
    public FileInfo? Find(string name)
    {
        var info = new FileInfo(PathOf(name));
        return info.Exists && info.LinkTarget is null ? info : null;
    }

    /// <summary>A fresh hidden temporary path for an upload of <paramref name="name"/>.</summary>
    public string TemporaryPath() => Path.Join(Root, $".upload-{Guid.NewGuid():N}");

    /// <summary>Bytes free on the root's file system.</summary>
    public long FreeSpace() => new DriveInfo(Root).AvailableFreeSpace;

    /// <summary>Every served file (name, size), hidden names and symlinks left out.</summary>
    public List<(string Name, long Size)> List()
    {
        var files = new List<(string, long)>();
        foreach (var info in new DirectoryInfo(Root).EnumerateFiles())
        {
            try
            {
                if (info.LinkTarget is null && FileNames.TryParse(System.Text.Encoding.UTF8.GetBytes(info.Name), out _))
                    files.Add((info.Name, info.Length));
            }
            catch (IOException)
            {
                // deleted (or replaced) while listing: a file gone is not listed
            }
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return files;
    }

    /// <summary>The recorded sha256 of a file, if it was recorded for its current size and time.</summary>
    public string? RecordedChecksum(string name, long size, DateTime modifiedUtc)
    {
        try
        {
            var parts = File.ReadAllText(ChecksumPath(name)).Split(' ');
            return parts.Length == 3 && parts[0] == size.ToString(CultureInfo.InvariantCulture)
                && parts[1] == modifiedUtc.Ticks.ToString(CultureInfo.InvariantCulture) ? parts[2] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Puts an uploaded file in place under <paramref name="name"/> and records its sha256, as one
    /// step: concurrent uploads of one name commit one at a time, and the record is made from the
    /// uploaded file itself (its size and time before the rename, which keeps them), so a checksum
    /// can never be recorded for another upload's bytes. Blocking: run it off the actor.
    /// </summary>
    public void Commit(string uploadedPath, string name, string sha256)
    {
        lock (_commits)
        {
            var uploaded = new FileInfo(uploadedPath);
            var record = string.Create(CultureInfo.InvariantCulture, $"{uploaded.Length} {uploaded.LastWriteTimeUtc.Ticks} {sha256}");
            File.Move(uploadedPath, PathOf(name), overwrite: true);
            var temporary = TemporaryPath();
            File.WriteAllText(temporary, record);
            File.Move(temporary, ChecksumPath(name), overwrite: true);
        }
    }

    /// <summary>Deletes a served file and its record, in step with commits of the same name.</summary>
    public void Delete(string name)
    {
        lock (_commits)
        {
            File.Delete(PathOf(name));
            File.Delete(ChecksumPath(name));
        }
    }

    private string ChecksumPath(string name) => Path.Join(Root, ChecksumDirectory, name);
}
