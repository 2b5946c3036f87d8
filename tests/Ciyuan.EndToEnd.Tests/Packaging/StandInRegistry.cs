using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciyuan.EndToEnd.Tests.Packaging;

/// <summary>
/// A read-only OCI registry on real Kestrel over loopback (plain HTTP) serving one image under one
/// repository and tag: the pull side of the OCI distribution spec — <c>GET /v2/</c>, and
/// <c>GET</c>/<c>HEAD</c> of <c>/v2/NAME/manifests/REFERENCE</c> (tag or digest) and
/// <c>/v2/NAME/blobs/DIGEST</c>. It records what was asked, so a test can show the build pulled from it.
/// </summary>
internal sealed class StandInRegistry : IAsyncDisposable
{
    private const string ManifestsSegment = "/manifests/";
    private const string BlobsSegment = "/blobs/";

    private readonly WebApplication _app;
    private readonly string _repository;
    private readonly string _tag;
    private readonly StandInBaseImage _image;
    private readonly Dictionary<string, OciBlob> _byDigest;
    private readonly ConcurrentQueue<string> _requests = new();

    private StandInRegistry(WebApplication app, string repository, string tag, StandInBaseImage image)
    {
        _app = app;
        _repository = repository;
        _tag = tag;
        _image = image;
        _byDigest = image.Blobs.Append(image.Index).ToDictionary(b => b.Digest, StringComparer.Ordinal);
    }

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of an image name.</summary>
    public string Host { get; private set; } = "";

    /// <summary>The full name of the served image: <c>127.0.0.1:PORT/REPOSITORY:TAG</c>.</summary>
    public string ImageName => $"{Host}/{_repository}:{_tag}";

    /// <summary>"METHOD path" of every request served, in order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<StandInRegistry> StartAsync(string repository, string tag, StandInBaseImage image)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        var registry = new StandInRegistry(app, repository, tag, image);
        app.MapMethods("/v2/", [HttpMethods.Get, HttpMethods.Head], registry.Ping);
        app.MapMethods("/v2/{**path}", [HttpMethods.Get, HttpMethods.Head], registry.ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        registry.Host = $"127.0.0.1:{address.Port}";
        return registry;
    }

    private IResult Ping(HttpContext context)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        return Results.Json(new { });
    }

    private async Task ServeAsync(HttpContext context, string path)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
        var blob = Find(path);
        if (blob is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsJsonAsync(new { errors = new[] { new { code = "NAME_UNKNOWN", message = $"{path} is not served here" } } }).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = blob.MediaType;
        context.Response.ContentLength = blob.Content.Length;
        context.Response.Headers["Docker-Content-Digest"] = blob.Digest;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(blob.Content).ConfigureAwait(false);
        }
    }

    private OciBlob? Find(string path)
    {
        var manifests = path.LastIndexOf(ManifestsSegment, StringComparison.Ordinal);
        if (manifests > 0 && path[..manifests] == _repository)
        {
            var reference = path[(manifests + ManifestsSegment.Length)..];
            return reference == _tag ? _image.Index : _byDigest.GetValueOrDefault(reference);
        }

        var blobs = path.LastIndexOf(BlobsSegment, StringComparison.Ordinal);
        return blobs > 0 && path[..blobs] == _repository ? _byDigest.GetValueOrDefault(path[(blobs + BlobsSegment.Length)..]) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
