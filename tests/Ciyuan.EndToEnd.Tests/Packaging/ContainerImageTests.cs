using System.Formats.Tar;
using Ciyuan.EndToEnd.Tests.Fixtures;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// The OCI image <c>dotnet publish /t:PublishContainer</c> builds, without a container engine: here
/// on a stand-in of Microsoft's chiselled ASP.NET Core image served by a registry on loopback (the
/// real registry is out of reach), archived to a tarball whose manifest, config and layers are read back.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class ContainerImageTests(ReleaseBuild build)
{
    private const string BaseRepository = "dotnet/aspnet";
    private const string BaseTag = "10.0-noble-chiseled-extra";

    [Fact]
    public async Task ContainerBaseImage_NotOverridden_IsMicrosoftsChiselledAspNetImageWithTimeZones()
    {
        var computed = await ReleaseBuild.DotnetAsync(TimeSpan.FromMinutes(5), null,
            "msbuild", ReleaseBuild.Project, "-t:ComputeContainerBaseImage", "-getProperty:ContainerBaseImage", "-p:Configuration=Release", "-nologo");

        Assert.True(computed.ExitCode == 0, computed.ToString());
        Assert.Equal($"mcr.microsoft.com/{BaseRepository}:{BaseTag}", computed.Stdout.Trim());
    }

    [Fact]
    public async Task PublishContainer_OnTheStandInBase_RunsCiyuanAsNonRootOnPort4000WithAWritableDataDirectory()
    {
        build.AssertBuilt();
        using var dir = new TempDirectory();
        var baseImage = StandInBaseImage.Create();
        await using var registry = await StandInRegistry.StartAsync(BaseRepository, BaseTag, baseImage);
        var archive = Path.Combine(dir.Path, "ciyuan.tar.gz");

        var publish = await build.OnBuildAsync("publish", TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = registry.Host },
            "-t:PublishContainer", $"-p:ContainerBaseImage={registry.ImageName}", $"-p:ContainerArchiveOutputPath={archive}");

        Assert.True(publish.ExitCode == 0, $"dotnet publish -t:PublishContainer failed:\n{publish}");
        Assert.Contains($"GET /v2/{BaseRepository}/manifests/{BaseTag}", registry.Requests);
        var image = ImageArchive.Read(archive);

        // Built on the base: its layer first, then one layer with the app.
        Assert.Equal(baseImage.Layer.Digest, image.LayerDigests[0]);
        Assert.Equal(2, image.LayerDigests.Count);
        // Docker's full form of a local name: ciyuan:TAG is docker.io/library/ciyuan:TAG.
        Assert.Contains($"docker.io/library/ciyuan:{build.Version}", image.Tags);
        Assert.Contains("docker.io/library/ciyuan:latest", image.Tags);
        Assert.Equal(build.Version, image.Config["Labels"]?["org.opencontainers.image.version"]?.GetValue<string>());

        // Runs `dotnet /app/ciyuan.dll serve` on every interface, port 4000, as the non-root user.
        Assert.Equal("1654", image.Config["User"]?.GetValue<string>());
        Assert.Equal(["4000/tcp"], image.Config["ExposedPorts"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["dotnet", "/app/ciyuan.dll"], image.Config["Entrypoint"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["serve", "--urls", "http://+:4000"], image.Config["Cmd"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("/app/", image.Config["WorkingDir"]?.GetValue<string>());
        Assert.True(image.Files.ContainsKey("/app/ciyuan.dll"), "the app layer has no /app/ciyuan.dll");
        Assert.True(image.Files.ContainsKey("/app/ciyuan.runtimeconfig.json"), "the app layer has no /app/ciyuan.runtimeconfig.json");

        // The data directory (the volume) is the base image's home of that user, so it starts writable.
        var dataDirectory = image.Environment("CIYUAN_DATA_DIR");
        Assert.NotNull(dataDirectory);
        Assert.Equal("/home/app", dataDirectory);
        Assert.True(image.Files.ContainsKey(dataDirectory), $"{dataDirectory} is not in the image");
        var data = image.Files[dataDirectory];
        Assert.Equal(TarEntryType.Directory, data.Type);
        Assert.Equal(StandInBaseImage.AppUid, data.Uid);
        Assert.True(data.Mode.HasFlag(UnixFileMode.UserWrite), $"{dataDirectory} is not writable by its owner ({data.Mode})");

        // The base images' ASP.NET Core port (8080) is switched off: Ciyuan binds where its arguments say.
        Assert.Equal("", image.Environment("ASPNETCORE_HTTP_PORTS"));
        Assert.Equal("true", image.Environment("DOTNET_RUNNING_IN_CONTAINER"));
    }
}
