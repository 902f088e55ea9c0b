// The body of Ory Kratos' HTTP courier request for the logto-connector-aliyun-sms relay
// (courier.channels[].request_config.body). It keeps what the relay needs: the number, the
// template's type and its code, and drops the identity's traits and the request URL.
// ctx: {recipient, subject, body, template_type, template_data, message_type}.
function(ctx)
  local data = if std.objectHas(ctx, 'template_data') && ctx.template_data != null
    then ctx.template_data else {};
  local codeKeys = ['login_code', 'registration_code', 'verification_code', 'recovery_code', 'code'];
  local present = [k for k in codeKeys if std.objectHas(data, k) && data[k] != null && data[k] != ''];
  {
    recipient: ctx.recipient,
    template_type: ctx.template_type,
    template_data: {
      [k]: data[k]
      for k in present
    } + (
      if std.objectHas(data, 'expires_in_minutes') && data.expires_in_minutes != null
      then { expires_in_minutes: data.expires_in_minutes } else {}
    ),
  }
