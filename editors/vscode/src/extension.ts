// The VS Code client for `rollsafe server`: starts it, sends the settings, restarts it when the
// binary changes. Diagnostics, hovers and quick fixes come from the server.

import * as fs from 'fs';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { documentSelector, initializationOptions, serverCommand } from './settings';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('rollsafe.restart', () => restart(context)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('rollsafe.server.path')) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration('rollsafe');
  const command = serverCommand(config.get<string>('server.path'), context.extensionPath, fs.existsSync, process.platform);
  const serverOptions: ServerOptions = { command, args: ['server'], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    initializationOptions: initializationOptions(config.get<string>('baseline')),
    // Sends `rollsafe.*` settings on change (the server re-resolves the baseline).
    synchronize: { configurationSection: 'rollsafe' },
  };
  client = new LanguageClient('rollsafe', 'rollsafe', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `rollsafe: could not start \`${command} server\` (${message}). Install rollsafe or set rollsafe.server.path.`,
    );
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await deactivate();
  await start(context);
}
