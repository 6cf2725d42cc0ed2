import ApplyCommand from './apply.js'

export default class DestroyCommand extends ApplyCommand {
  static summary = 'Unmount every slot, newest first, and remove the slot directories (= apply --destroy)'
  static description = 'Unmounts every mount under <build base>/SLnn newest first; then removes each SLnn directory only after re-reading the live mount table proves nothing is mounted at or below it, with a removal that never crosses into another filesystem. Never touches the build base itself, Template, or anything that is not an SLnn directory.'
  static examples = ['<%= config.bin %> destroy', '<%= config.bin %> destroy --auto-approve --slot SL09']
  protected mode = 'destroy' as const
}
