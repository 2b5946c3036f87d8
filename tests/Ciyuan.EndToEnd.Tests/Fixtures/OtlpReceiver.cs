using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ciyuan.EndToEnd.Tests.Fixtures;

/// <summary>
/// An OTLP trace collector on loopback, in the test process: <c>POST /v1/traces</c> with a protobuf
/// body (OTLP/HTTP) on one port, and the gRPC method <c>TraceService/Export</c> over cleartext HTTP/2
/// on another. Every span received is decoded and kept.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private const string GrpcExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The OTLP/HTTP base (the exporter posts to <c>/v1/traces</c> under it).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The OTLP/gRPC endpoint.</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveHttpAsync);
        app.MapPost(GrpcExport, receiver.ReceiveGrpcAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        receiver.HttpEndpoint = addresses[0];
        receiver.GrpcEndpoint = addresses[1];
        return receiver;
    }

    /// <summary>The spans of one trace.</summary>
    public IReadOnlyList<OtlpSpan> Trace(string traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    private async Task ReceiveHttpAsync(HttpContext context)
    {
        var body = await ReadAsync(context);
        foreach (var span in OtlpDecoder.Decode(body))
        {
            _spans.Enqueue(span);
        }

        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task ReceiveGrpcAsync(HttpContext context)
    {
        // One length-prefixed message: a compression flag byte, a big-endian length, the message.
        var frame = await ReadAsync(context);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1, 4));
        foreach (var span in OtlpDecoder.Decode(frame.AsSpan(5, length)))
        {
            _spans.Enqueue(span);
        }

        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<byte[]> ReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
