using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary><c>deploy/compose.yaml</c> (Ciyuan, PostgreSQL, Redis) checked against the image and the drain.</summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Compose = YamlDocuments.Load(RepositoryRoot.File("deploy", "compose.yaml")).Single();

    private static YamlNode Ciyuan => Compose.At("services", "ciyuan")!;

    private static Dictionary<string, string> Environment =>
        ((YamlMappingNode)Ciyuan.At("environment")!).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    /// <summary>The config file mounted at <c>CIYUAN_CONFIG</c>: (path in the repository, its YAML).</summary>
    private static (string Path, YamlMappingNode Yaml) MountedConfig()
    {
        var target = Environment["CIYUAN_CONFIG"];
        var mount = Ciyuan.Items("volumes").Select(v => v.ToString().Split(':')).Single(v => v[1] == target);
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot.File("deploy"), mount[0]));
        return (path, YamlDocuments.Load(path).Single());
    }

    [Fact]
    public void CiyuanService_Ports_PublishTheImagesPort()
    {
        var published = Ciyuan.Items("ports").Select(p => p.ToString().Split(':')[^1]).ToList();

        Assert.Equal([ImageSettings.Port.ToString(CultureInfo.InvariantCulture)], published);
    }

    [Fact]
    public void CiyuanService_Config_IsTheMountedFileAndCiyuanAcceptsIt()
    {
        var (path, _) = MountedConfig();

        var config = ConfigFiles.Load(File.ReadAllText(path), path, Environment);

        Assert.True(ListenUrls.AllInterfacesAt(config.Server.Urls, ImageSettings.Port), $"server.urls '{config.Server.Urls}' does not bind every interface at {ImageSettings.Port}");
        Assert.Contains("Host=postgres;", config.Storage.PostgresConnectionString, StringComparison.Ordinal);
        Assert.Equal("redis:6379", config.Storage.RedisConnectionString);
        Assert.NotNull(Compose.At("services", "postgres"));
        Assert.NotNull(Compose.At("services", "redis"));
    }

    [Fact]
    public void CiyuanService_StopGracePeriod_OutlastsTheDrain()
    {
        var drain = DrainSettings.Of(MountedConfig().Yaml);
        var grace = Ciyuan.Scalar("stop_grace_period");

        Assert.EndsWith("s", grace, StringComparison.Ordinal);
        Assert.True(int.Parse(grace[..^1], CultureInfo.InvariantCulture) >= drain.WorstCaseSeconds + DrainSettings.MarginSeconds,
            $"stop_grace_period {grace} does not cover a {drain.WorstCaseSeconds} s drain and a {DrainSettings.MarginSeconds} s margin");
    }

    [Fact]
    public void CiyuanService_DependsOn_HealthyPostgresAndRedisWithDurableDatabase()
    {
        Assert.Equal("service_healthy", Ciyuan.Scalar("depends_on", "postgres", "condition"));
        Assert.Equal("service_healthy", Ciyuan.Scalar("depends_on", "redis", "condition"));
        Assert.NotNull(Compose.At("services", "postgres", "healthcheck", "test"));
        Assert.NotNull(Compose.At("services", "redis", "healthcheck", "test"));
        var database = Compose.Items("services", "postgres", "volumes").Select(v => v.ToString().Split(':')).Single();
        Assert.Equal("/var/lib/postgresql/data", database[1]);
        Assert.NotNull(Compose.At("volumes", database[0]));
    }

    [Fact]
    public void CiyuanService_Secrets_ComeFromTheOperatorsEnvironment()
    {
        foreach (var name in new[] { "CIYUAN_MASTER_KEY", "DEEPSEEK_API_KEY" })
        {
            Assert.StartsWith("${" + name + ":?", Environment[name], StringComparison.Ordinal);
        }
    }
}
