using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WxHub.Server.Http;

/// <summary>
/// A request the store failed (its disk stopped taking writes, PostgreSQL went away) is answered 503
/// <c>store_unavailable</c> in the usual error shape instead of an empty 500: callers and WeChat retry, and
/// <c>/readyz</c> says when the store is back.
/// </summary>
public static partial class StoreFailures
{
    public static IApplicationBuilder UseStoreFailureAnswers(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreFailures));
        return app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (DbException e) when (!http.Response.HasStarted)
            {
                // The path only: query strings can carry codes and signatures.
                LogStoreFailed(logger, e, http.Request.Method, http.Request.Path);
                http.Response.Clear();
                await ApiErrors.Create(StatusCodes.Status503ServiceUnavailable, "store_unavailable",
                    $"WxHub's store could not complete this request ({e.Message}). Retry shortly; /readyz answers 200 again once the store works.")
                    .ExecuteAsync(http);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The store failed {Method} {Path}; answered 503")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string method, string path);
}
