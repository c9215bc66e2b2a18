# Read by gunicorn from the working directory (`make serve`, the README's production command).
# Access log lines go through exchange.site.accesslog: no reset or unsubscribe tokens in them.
logger_class = "exchange.site.accesslog.ScrubbingLogger"
accesslog = "-"
