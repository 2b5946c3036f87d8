namespace Ciyuan.Core.Configuration;

/// <summary>How spans travel to the collector: OTLP over gRPC (<c>grpc</c>) or over HTTP with protobuf bodies (<c>http/protobuf</c>).</summary>
public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
