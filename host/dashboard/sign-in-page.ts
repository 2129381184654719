/**
 * What the dashboard answers without its token: a form asking for it. No script and nothing of the edge, so it
 * may be shown to anyone who reaches the port.
 */
export function signInPage(wrongToken: boolean): string {
  const problem = wrongToken ? '<p class="problem" role="alert">That token is not this dashboard\'s.</p>\n' : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wasmote dashboard: token needed</title>
<link rel="icon" href="/assets/icon.svg">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body class="sign-in">
<main>
<h1>wasmote dashboard</h1>
${problem}<p>This page needs the access token that <code>wasmote edge --dashboard</code> printed at start, in the URL it printed.</p>
<form method="get" action="/">
<label>Access token <input name="token" type="password" autocomplete="off" required autofocus></label>
<button type="submit">Open</button>
</form>
</main>
</body>
</html>
`;
}
