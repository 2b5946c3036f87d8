using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// <c>deploy/kubernetes.yaml</c> (ConfigMap, Deployment, Service, PodDisruptionBudget) parsed document
/// by document and checked against the image, the health endpoints and the drain.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly IReadOnlyList<YamlMappingNode> Documents = YamlDocuments.Load(RepositoryRoot.File("deploy", "kubernetes.yaml"));

    private static YamlMappingNode Kind(string kind) => Documents.Single(d => d.Scalar("kind") == kind);

    private static YamlNode Pod => Kind("Deployment").At("spec", "template", "spec")!;

    private static YamlNode Container => Pod.Items("containers").Single();

    private static Dictionary<string, YamlNode> Env => Container.Items("env").ToDictionary(e => e.Scalar("name"), e => e, StringComparer.Ordinal);

    private static YamlMappingNode ConfigMapConfig()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Kind("ConfigMap").Scalar("data", "ciyuan.yaml")));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    /// <summary>The container port a probe or Service names (by port name or number).</summary>
    private static int ContainerPort(string nameOrNumber) => int.TryParse(nameOrNumber, CultureInfo.InvariantCulture, out var number)
        ? number
        : Container.Items("ports").Single(p => p.Scalar("name") == nameOrNumber).Int("containerPort");

    [Fact]
    public void Deployment_ContainerPort_IsTheImagesPort()
    {
        Assert.Equal([ImageSettings.Port], Container.Items("ports").Select(p => p.Int("containerPort")));
    }

    [Theory]
    [InlineData("readinessProbe", "/readyz")]
    [InlineData("livenessProbe", "/healthz")]
    [InlineData("startupProbe", "/healthz")]
    public void Deployment_Probe_AsksTheRightEndpointOnTheImagesPort(string probe, string path)
    {
        Assert.Equal(path, Container.Scalar(probe, "httpGet", "path"));
        Assert.Equal(ImageSettings.Port, ContainerPort(Container.Scalar(probe, "httpGet", "port")));
    }

    [Fact]
    public void Deployment_TerminationGracePeriod_CoversPreStopAndTheDrain()
    {
        var drain = DrainSettings.Of(ConfigMapConfig());
        var preStop = Container.Int("lifecycle", "preStop", "sleep", "seconds");
        var grace = Pod.Int("terminationGracePeriodSeconds");

        Assert.True(grace >= preStop + drain.WorstCaseSeconds + DrainSettings.MarginSeconds,
            $"terminationGracePeriodSeconds {grace} < preStop {preStop} + drain {drain.WorstCaseSeconds} + margin {DrainSettings.MarginSeconds}");
    }

    [Fact]
    public void Deployment_RollingUpdate_NeverTakesAServingPodAwayFirst()
    {
        var deployment = Kind("Deployment");
        Assert.True(deployment.Int("spec", "replicas") >= 2);
        Assert.Equal("RollingUpdate", deployment.Scalar("spec", "strategy", "type"));
        Assert.Equal(0, deployment.Int("spec", "strategy", "rollingUpdate", "maxUnavailable"));
        Assert.Equal(1, Kind("PodDisruptionBudget").Int("spec", "minAvailable"));
    }

    [Fact]
    public void Deployment_Pod_RunsAsTheImagesNonRootUserOnAReadOnlyRoot()
    {
        Assert.Equal("true", Pod.Scalar("securityContext", "runAsNonRoot"));
        Assert.Equal(ImageSettings.User, Pod.Int("securityContext", "runAsUser"));
        Assert.Equal("true", Container.Scalar("securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Container.Scalar("securityContext", "allowPrivilegeEscalation"));

        // With a read-only root, whatever Ciyuan writes needs a volume: /tmp always, and the data
        // directory unless the ledger lives in PostgreSQL.
        var mounts = Container.Items("volumeMounts").Select(m => m.Scalar("mountPath")).ToList();
        Assert.Contains("/tmp", mounts);
        if (ConfigMapConfig().At("storage", "postgres") is null)
        {
            Assert.Contains(Env.TryGetValue("CIYUAN_DATA_DIR", out var data) ? data.Scalar("value") : ImageSettings.DataDirectory, mounts);
        }
    }

    [Fact]
    public void ConfigMap_Config_IsMountedWhereCiyuanConfigPointsAndCiyuanAcceptsIt()
    {
        var configPath = Env["CIYUAN_CONFIG"].Scalar("value");
        var mount = Container.Items("volumeMounts").Single(m => configPath.StartsWith(m.Scalar("mountPath") + "/", StringComparison.Ordinal));
        var volume = Pod.Items("volumes").Single(v => v.Scalar("name") == mount.Scalar("name"));
        Assert.Equal(Kind("ConfigMap").Scalar("metadata", "name"), volume.Scalar("configMap", "name"));
        Assert.Equal(Path.GetFileName(configPath), ((YamlMappingNode)Kind("ConfigMap").At("data")!).Children.Keys.Single().ToString());

        var environment = Env.Keys.ToDictionary(name => name, name => "value-from-the-secret", StringComparer.Ordinal);
        var config = ConfigFiles.Load(Kind("ConfigMap").Scalar("data", "ciyuan.yaml"), configPath, environment);

        Assert.True(ListenUrls.AllInterfacesAt(config.Server.Urls, ImageSettings.Port), $"server.urls '{config.Server.Urls}' does not bind every interface at {ImageSettings.Port}");
        Assert.NotNull(config.Storage.PostgresConnectionString);
        Assert.NotNull(config.Storage.RedisConnectionString);
    }

    [Fact]
    public void Deployment_Secrets_ComeFromASecretNeverFromTheManifest()
    {
        foreach (var name in new[] { "CIYUAN_MASTER_KEY", "CIYUAN_POSTGRES", "CIYUAN_REDIS", "DEEPSEEK_API_KEY" })
        {
            Assert.Null(Env[name].At("value"));
            Assert.NotNull(Env[name].At("valueFrom", "secretKeyRef", "key"));
        }
    }

    [Fact]
    public void Service_Selector_ReachesThePodsOnTheImagesPort()
    {
        var service = Kind("Service");
        var podLabels = (YamlMappingNode)Kind("Deployment").At("spec", "template", "metadata", "labels")!;

        foreach (var (key, value) in ((YamlMappingNode)service.At("spec", "selector")!).Children)
        {
            Assert.Equal(value.ToString(), podLabels.Scalar(key.ToString()));
        }

        Assert.Equal(ImageSettings.Port, ContainerPort(service.Items("spec", "ports").Single().Scalar("targetPort")));
        Assert.Equal(podLabels.Children, ((YamlMappingNode)Kind("Deployment").At("spec", "selector", "matchLabels")!).Children);
    }
}
