import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import './style.css'
import { useLabStore } from './stores/lab'
import { chooseTransport } from './transport'

const transport = chooseTransport(window as unknown as Parameters<typeof chooseTransport>[0])
const pinia = createPinia()
const isMac = transport.shell
  ? transport.shell.platform === 'darwin'
  : /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent)
const app = createApp(App, { isMac, development: import.meta.env.DEV })
app.use(pinia)
const lab = useLabStore(pinia)
lab.connect(transport)
transport.onConnection?.((state, reason) => {
  lab.connectionError = state === 'closed' ? (reason ?? 'lost the connection to the lab server') : null
})
app.mount('#app')
